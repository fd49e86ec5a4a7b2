package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code updraft vm} as a real process from the packaged jar, driven with curl. */
@NeedsProgram(value = "curl", debian = "curl")
class VmCommandIT {
  @TempDir Path dir;

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("vm"));
    command.addAll(List.of(args));
    return new ProcessBuilder(PackagedCli.command(command.toArray(String[]::new)))
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
  }

  private String err() throws IOException {
    return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
  }

  private static String curl(Path socket, String method, String path, String body)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", socket.toString()));
    if (body != null) {
      command.addAll(List.of("--data", body));
    }
    command.addAll(List.of("-w", " %{http_code}", "http://localhost" + path));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  @Test
  void aFirecrackerClientConfiguresTheVmmAndTheSocketGoesAtExit() throws Exception {
    Path socket = dir.resolve("fc.sock");
    Process vmm = start("--api-sock", socket.toString(), "--id", "cli-it");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(socket)) {
        assertThat(vmm.isAlive()).as("the VMM runs: " + err()).isTrue();
        assertThat(System.nanoTime()).as("API socket within 30 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(curl(socket, "GET", "/", null))
          .isEqualTo(
              "{\"id\":\"cli-it\",\"state\":\"Not started\",\"vmm_version\":\"1.17.0-dev\","
                  + "\"app_name\":\"Firecracker\"} 200");
      assertThat(
              curl(socket, "PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}"))
          .isEqualTo(" 204");
      assertThat(curl(socket, "PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size\": 256}"))
          .startsWith(
              "{\"fault_message\":\"An error occurred when deserializing the json body of a request: mem_size: unknown field")
          .endsWith(" 400");
      assertThat(curl(socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
          .isEqualTo(
              "{\"fault_message\":\"Start microvm error: Cannot start microvm without kernel"
                  + " configuration.\"} 400");
      assertThat(out()).contains("[cli-it:main] Running Firecracker v1.17.0-dev");
    } finally {
      vmm.destroy();
      assertThat(vmm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(vmm.exitValue()).isEqualTo(143);
    assertThat(socket).doesNotExist();
  }

  @Test
  void versionHelpAndArgumentErrorsAreFirecrackers() throws Exception {
    Process version = start("--version");
    assertThat(version.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).isZero();
    assertThat(out().lines().findFirst()).contains("Firecracker v1.17.0-dev");

    Process help = start("--help");
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(out()).contains("--api-sock <PATH>").contains("--config-file <PATH>");

    Process noApi = start("--no-api");
    assertThat(noApi.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(noApi.exitValue()).isEqualTo(153);
    assertThat(err()).startsWith("Error: --no-api requires --config-file");
  }

  @Test
  void aBadConfigFileExitsWith152() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("vm.json"),
            "{\"boot-source\": {\"kernel_image_path\": \"/nonexistent/vmlinux\"}}");
    Process vmm = start("--no-api", "--config-file", config.toString());
    assertThat(vmm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(vmm.exitValue()).isEqualTo(152);
    assertThat(err()).contains("boot-source: kernel_image_path: /nonexistent/vmlinux");
  }

  @Test
  void theSnapshotToolsRunUnderVm() throws Exception {
    byte[] page = new byte[4096];
    Arrays.fill(page, (byte) 7);
    Path base = Files.write(dir.resolve("base.mem"), new byte[3 * 4096]);
    Path diff = dir.resolve("diff.mem");
    try (RandomAccessFile sparse = new RandomAccessFile(diff.toFile(), "rw")) {
      sparse.setLength(3 * 4096);
      sparse.seek(4096);
      sparse.write(page);
    }
    Process rebase =
        start("rebase-snap", "--base-file", base.toString(), "--diff-file", diff.toString());
    assertThat(rebase.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(rebase.exitValue()).as(err()).isZero();
    assertThat(out()).contains("rebase-snap: copied 4096 bytes");
    byte[] merged = Files.readAllBytes(base);
    assertThat(merged[4096]).isEqualTo((byte) 7);
    assertThat(merged[0]).isZero();

    Process handler = start("uffd-handler", "only-one-argument");
    assertThat(handler.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(handler.exitValue()).isEqualTo(2);
    assertThat(err()).contains("usage: uffd-handler SOCKET MEMORY_FILE");
  }
}
