package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI run as a real process: manifest, class path, exit codes, output streams. */
class CliProcessIT {
  private record Result(int exit, String out, String err) {}

  private static Result updraft(String... args) throws Exception {
    List<String> command = PackagedCli.command(args);
    return run(command);
  }

  private static Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile("updraft-out", ".txt");
    Path err = Files.createTempFile("updraft-err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("updraft exits").isTrue();
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

  @Test
  void aCronJobRunsByHandAndStatusShowsItsSchedule(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("job"));
    Files.writeString(dir.resolve("job/report.sh"), "echo \"report for $WHO\"\nexit $CODE\n");
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: cli-cron
        jobs:
          report:
            path: ./job
            command: bash report.sh
            when: cron
            schedule: "@daily"
            timezone: UTC
            env: {WHO: ops, CODE: "0"}
        """);
    String file = spec.toString();
    try {
      assertThat(updraft("deploy", "apply", "-f", file).exit()).isZero();
      Result status = updraft("deploy", "status", "-f", file);
      assertThat(status.out()).contains("'@daily' UTC, next ").contains("T00:00Z, 0 run(s)");
      Result json = updraft("deploy", "status", "-f", file, "--json");
      assertThat(json.exit()).isZero();
      JsonNode report = new ObjectMapper().readTree(json.out());
      assertThat(report.at("/release").asInt()).isEqualTo(1);
      assertThat(report.at("/supervisor/state").asText()).isEqualTo("running");
      assertThat(report.at("/supervisor/watchdog").asBoolean()).isTrue();
      assertThat(report.at("/services/0/instances/0/schedule").asText()).contains("'@daily' UTC");
      Result run = updraft("deploy", "run", "report", "-f", file);
      assertThat(run.exit()).isZero();
      assertThat(run.out()).startsWith("report: succeeded").contains("  | report for ops");
      assertThat(updraft("deploy", "status", "-f", file).out())
          .contains("1 run(s), last: succeeded");

      Files.writeString(spec, Files.readString(spec).replace("CODE: \"0\"", "CODE: \"4\""));
      assertThat(updraft("deploy", "apply", "-f", file).exit()).isZero();
      Result failed = updraft("deploy", "run", "report", "-f", file, "--json");
      assertThat(failed.exit()).isEqualTo(1);
      assertThat(failed.out()).contains("\"succeeded\":false").contains("failed (exit 4)");
      Result wrong = updraft("deploy", "run", "nope", "-f", file);
      assertThat(wrong.exit()).isEqualTo(1);
      assertThat(wrong.err()).contains("nope is not a cron job").doesNotContain("\tat ");
    } finally {
      updraft("deploy", "destroy", "-f", file);
    }
  }
}
