package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.FakeHypervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config-file} with and without the API. */
class NoApiIT {
  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    Path kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
    Path rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "rootfs");
    return Files.writeString(
        dir.resolve("vm_config.json"),
        """
        {
          "boot-source": {"kernel_image_path": "%s", "boot_args": "console=ttyS0"},
          "drives": [{"drive_id": "rootfs", "path_on_host": "%s", "is_root_device": true, "is_read_only": false}],
          "machine-config": {"vcpu_count": 2, "mem_size_mib": 256}%s
        }
        """
            .formatted(kernel, rootfs, extra));
  }

  @Test
  void noApiBootsAtOnceAndExitsWithTheGuest() throws Exception {
    Path socket = dir.resolve("unused.sock");
    VmmProcess vmm =
        VmmProcess.start(
            socket,
            "--no-api",
            "--config-file",
            config("").toString(),
            "--api-sock",
            socket.toString());
    vmm.awaitBoot();
    VmResources started = vmm.hypervisor.started().getFirst();
    assertThat(started.machine().vcpuCount()).isEqualTo(2);
    assertThat(started.bootSource().bootArgs()).isEqualTo("console=ttyS0");
    vmm.hypervisor.vm().end(7, "guest panicked");
    assertThat(vmm.awaitExit()).isEqualTo(7);
    assertThat(socket).doesNotExist();
    assertThat(vmm.out())
        .contains("Successfully started microvm that was configured from one single json");
  }

  @Test
  @NeedsProgram(value = "curl", debian = "curl")
  void withTheApiTheConfigFileBootsAndTheApiStaysUsable() throws Exception {
    Path socket = dir.resolve("fc.sock");
    try (VmmProcess vmm =
        VmmProcess.start(
                socket, "--api-sock", socket.toString(), "--config-file", config("").toString())
            .awaitSocket()) {
      vmm.awaitBoot();
      assertThat(vmm.get("/").body()).contains("\"state\":\"Running\"");
      assertThat(vmm.curl("PATCH", "/vm", "{\"state\": \"Paused\"}").status()).isEqualTo(204);
      assertThat(vmm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").body())
          .contains("not supported after starting the microVM");
    }
  }

  @Test
  void aBadConfigFileExitsWith152() throws Exception {
    Path socket = dir.resolve("fc.sock");
    VmmProcess unknown =
        VmmProcess.start(
            socket,
            "--no-api",
            "--config-file",
            config(", \"memory-hotplug\": {\"total_size_mib\": 1000}").toString());
    assertThat(unknown.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(unknown.err())
        .contains("vm_config.json: memory-hotplug: total_size_mib: 1000 (expected: a multiple");

    Files.writeString(
        dir.resolve("bad.json"), "{\"boot-source\": {\"kernel_image_path\": \"/nonexistent\"}}");
    VmmProcess missing =
        VmmProcess.start(socket, "--no-api", "--config-file", dir.resolve("bad.json").toString());
    assertThat(missing.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(missing.err())
        .contains(
            "bad.json: boot-source: kernel_image_path: /nonexistent (expected: an existing file");

    VmmProcess absent =
        VmmProcess.start(
            socket, "--no-api", "--config-file", dir.resolve("absent.json").toString());
    assertThat(absent.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(socket).doesNotExist();
  }

  @Test
  void aHypervisorFailureExitsWith1() throws Exception {
    FakeHypervisor hypervisor = new FakeHypervisor();
    hypervisor.failNextStart("KVM hypervisor not available in this build");
    VmmProcess vmm =
        VmmProcess.start(
            hypervisor, dir.resolve("fc.sock"), "--no-api", "--config-file", config("").toString());
    assertThat(vmm.awaitExit()).isEqualTo(ExitCode.GENERIC_ERROR);
    assertThat(vmm.err())
        .contains("Error: Start microvm error: KVM hypervisor not available in this build");
  }
}
