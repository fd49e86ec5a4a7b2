package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged CLI run as a real process: manifest, class path, exit codes, output streams. */
class CliProcessIT {
  private record Result(int exit, String out, String err) {}

  private static Result updraft(String... args) throws Exception {
    List<String> command = PackagedCli.command(args);
    Path out = Files.createTempFile("updraft-out", ".txt");
    Path err = Files.createTempFile("updraft-err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("updraft exits").isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void helpAndVersionSucceed() throws Exception {
    Result help = updraft("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("vm").contains("mesh").contains("deploy");
    Result version = updraft("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("updraft ").contains("commit");
  }

  @Test
  void usageErrorExitsTwoWithOneLineOnStderr() throws Exception {
    Result result = updraft("--no-such-option");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines().findFirst().orElseThrow())
        .isEqualTo("updraft: Unknown option: '--no-such-option'");
    assertThat(result.err()).doesNotContain("\tat ");
  }

  @Test
  void nativeAccessWorksFromThePackagedJar() throws Exception {
    // doctor calls into libc through sys (geteuid, and KVM_GET_API_VERSION where /dev/kvm exists).
    Result result = updraft("doctor");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("java").contains("checks passed");
    assertThat(result.err()).doesNotContain("WARNING: A restricted method");
  }
}
