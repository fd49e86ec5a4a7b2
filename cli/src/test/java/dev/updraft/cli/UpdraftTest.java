package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class UpdraftTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Updraft.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void helpListsEveryPart() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: updraft")
        .containsPattern("(?m)^\\s+vm\\s")
        .containsPattern("(?m)^\\s+mesh\\s")
        .containsPattern("(?m)^\\s+deploy\\s")
        .contains("completion")
        .contains("Exit codes: 0 success, 1 failure, 2 usage error");
  }

  @Test
  void versionNamesReleaseCommitAndJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).containsPattern("^updraft \\S+ \\(commit \\S+").contains("Java 25");
  }

  @Test
  void unknownCommandIsAUsageErrorOnOneLineWithASuggestion() {
    assertThat(run("mesj")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("updraft: Unmatched argument at index 0: 'mesj'")
        .contains("Did you mean")
        .contains("mesh")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("doctor", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'").contains("--help");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("missing a command");
  }

  @Test
  void completionScriptCoversTheVerbs() {
    assertThat(run("completion")).isZero();
    assertThat(out.toString())
        .contains("complete -F")
        .contains("updraft")
        .contains("doctor")
        .contains("mesh");
  }

  @Test
  void doctorReportsJavaAndJsonIsParseable() throws Exception {
    assertThat(run("doctor", "--json")).isZero();
    var checks = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertThat(checks.isArray()).isTrue();
    assertThat(checks.get(0).get("name").asText()).isEqualTo("java");
    assertThat(checks.get(0).get("status").asText()).isEqualTo("OK");
    assertThat(checks.get(0).get("area").asText()).as("areas are words").isEqualTo("runtime");
    java.util.List<String> areas = new java.util.ArrayList<>();
    checks.forEach(c -> areas.add(c.get("area").asText()));
    assertThat(areas.stream().distinct().toList())
        .as("grouped in doctor's order")
        .isSubsetOf("runtime", "vm", "network", "mesh", "deploy")
        .isSortedAccordingTo(
            java.util.Comparator.comparingInt(
                a -> java.util.List.of("runtime", "vm", "network", "mesh", "deploy").indexOf(a)));
  }
}
