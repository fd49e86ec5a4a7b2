package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every deploy verb's {@code --json}, read back with a JSON parser: one document, or one event per
 * line for the verbs that stream; errors as {@code {"error": {...}}} with the same exit codes; and
 * {@code plan --detailed-exitcode}'s three outcomes. Runs a real local supervisor.
 */
class DeployJsonIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Result(int exit, String out, String err) {
    JsonNode document() throws Exception {
      assertThat(out.lines().count()).as("one document: " + out).isEqualTo(1);
      return JSON.readTree(out);
    }

    List<JsonNode> lines() throws Exception {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : out.lines().toList()) {
        nodes.add(JSON.readTree(line));
      }
      return nodes;
    }
  }

  private static Result updraft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Updraft.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  private Path spec(String name, String jobs) throws Exception {
    Path root = Files.createDirectories(dir.resolve(name));
    Path spec = root.resolve("updraft.yaml");
    Files.writeString(spec, "environment: " + name + "\njobs:\n" + jobs);
    return spec;
  }

  @Test
  void everyVerbSpeaksJsonAndPlanHasTerraformsExitCodes() throws Exception {
    String file =
        spec(
                "cli-json",
                """
                  seed: {path: ., command: "echo SEEDED=yes > $UPDRAFT_OUTPUT", outputs: [SEEDED]}
                  report: {path: ., command: "echo report", when: cron, schedule: "@daily"}
                """)
            .toString();
    try {
      Result fresh = updraft("deploy", "plan", "-f", file, "--detailed-exitcode");
      assertThat(fresh.exit()).as(fresh.err()).isEqualTo(2);
      JsonNode plan = updraft("deploy", "plan", "-f", file, "--json").document();
      assertThat(plan.get("environment").asText()).isEqualTo("cli-json");
      assertThat(plan.get("change_count").asInt()).isEqualTo(2);
      assertThat(plan.get("changes").get(0).get("action").asText()).isEqualTo("create");
      assertThat(plan.get("warnings")).isEmpty();

      Result apply = updraft("deploy", "apply", "-f", file, "--json");
      assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
      List<JsonNode> events = apply.lines();
      assertThat(events).allMatch(e -> e.has("event"));
      assertThat(events.getLast().get("event").asText()).isEqualTo("finished");
      assertThat(events.getLast().get("success").asBoolean()).isTrue();

      Result same = updraft("deploy", "plan", "-f", file, "--detailed-exitcode", "--json");
      assertThat(same.exit()).isZero();
      assertThat(same.document().get("change_count").asInt()).isZero();

      JsonNode status = updraft("deploy", "status", "-f", file, "--json").document();
      assertThat(status.at("/supervisor/state").asText()).isEqualTo("running");
      assertThat(status.at("/supervisor/watchdog").asBoolean()).isTrue();
      assertThat(status.get("release").get("status").asText()).isEqualTo("succeeded");
      JsonNode report = null;
      for (JsonNode service : status.get("services")) {
        if (service.get("service").asText().equals("report")) {
          report = service;
        }
      }
      assertThat(report).isNotNull();
      assertThat(report.get("schedule").get(0).get("schedule").asText()).isEqualTo("@daily");
      assertThat(updraft("status", "-f", file, "--json").document().get("environment").asText())
          .isEqualTo("cli-json");

      JsonNode uninstall = updraft("deploy", "uninstall", "-f", file, "--json").document();
      assertThat(uninstall.get("removed").asBoolean()).as("nothing was installed").isFalse();
      assertThat(uninstall.get("unit").asText()).startsWith("updraft-cli-json-");

      JsonNode history = updraft("deploy", "history", "-f", file, "--json").document();
      assertThat(history.get("releases")).hasSize(1);
      assertThat(history.get("releases").get(0).get("kind").asText()).isEqualTo("apply");

      Result run = updraft("deploy", "run", "report", "-f", file, "--json");
      assertThat(run.exit()).isZero();
      assertThat(run.document().get("succeeded").asBoolean()).isTrue();
      assertThat(run.document().get("log_tail").asText()).contains("report");

      Result rollback = updraft("deploy", "rollback", "-f", file, "--json");
      assertThat(rollback.exit()).isEqualTo(1);
      assertThat(rollback.document().get("error").get("code").asText()).isEqualTo("NO_RELEASE");
      assertThat(rollback.err()).isEmpty();

      Result destroy = updraft("deploy", "destroy", "-f", file, "--json");
      assertThat(destroy.exit()).isZero();
      assertThat(destroy.lines().getLast().get("event").asText()).isEqualTo("finished");
    } finally {
      updraft("deploy", "destroy", "-f", file);
    }
  }

  @Test
  void errorsAreJsonWithTheSameExitCodes() throws Exception {
    Path bad = spec("cli-bad", "  seed: {path: ., command: \"echo hi\", dependsOn: [nope\n");
    Result syntax =
        updraft("deploy", "plan", "-f", bad.toString(), "--json", "--detailed-exitcode");
    assertThat(syntax.exit()).isEqualTo(1);
    JsonNode error = syntax.document().get("error");
    assertThat(error.get("code").asText()).isEqualTo("SPEC_INVALID");
    assertThat(error.get("problems").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(error.get("problems").get(0).get("expected").asText()).contains("']'");

    Result usage = updraft("deploy", "plan", "--json", "--no-such-flag");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.document().get("error").get("code").asText()).isEqualTo("USAGE");
    assertThat(updraft("deploy", "plan", "--detailed-exitcode", "--no-such-flag").exit())
        .as("2 means changes there")
        .isEqualTo(1);

    String failing = spec("cli-fail", "  seed: {path: ., command: \"exit 3\"}\n").toString();
    try {
      Result apply = updraft("deploy", "apply", "-f", failing, "--json");
      assertThat(apply.exit()).isEqualTo(1);
      List<JsonNode> lines = apply.lines();
      JsonNode last = lines.getLast().get("error");
      assertThat(last.get("code").asText()).isEqualTo("JOB_FAILED");
      assertThat(last.get("message").asText()).contains("job exited with 3");
      assertThat(last.has("hint")).isTrue();
      assertThat(lines.subList(0, lines.size() - 1)).allMatch(e -> e.has("event"));
    } finally {
      updraft("deploy", "destroy", "-f", failing);
    }
  }

  @Test
  void aDryRunSaysWhatWillNotWorkOnACluster() throws Exception {
    Path spec = dir.resolve("k8s/updraft.yaml");
    Files.createDirectories(spec.getParent());
    Files.writeString(
        spec,
        """
        environment: k8s
        target: kubernetes
        applications:
          web: {path: ., build: javac -d out Web.java, command: java -cp out Web}
        containers:
          search: {image: "opensearch:2.11", port: 9200}
        """);
    Result dry =
        updraft(
            "deploy",
            "apply",
            "-f",
            spec.toString(),
            "--dry-run",
            dir.resolve("manifests").toString(),
            "--json");
    assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
    JsonNode warnings = dry.document().get("warnings");
    List<String> reasons = new ArrayList<>();
    warnings.forEach(w -> reasons.add(w.get("field").asText() + " " + w.get("reason").asText()));
    assertThat(reasons)
        .containsExactly(
            "kubernetes.registry NoRegistry",
            "applications.web.baseImage NoRuntime",
            "containers.search.image NoRegistry");
    assertThat(dry.document().get("files").size()).isPositive();
    Result human = updraft("deploy", "plan", "-f", spec.toString());
    assertThat(human.exit()).as(human.err()).isZero();
    assertThat(human.out().lines().filter(l -> l.startsWith("warning: ")))
        .hasSize(3)
        .allMatch(l -> l.contains(" (hint: "));
  }
}
