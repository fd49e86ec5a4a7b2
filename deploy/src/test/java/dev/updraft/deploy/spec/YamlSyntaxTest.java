package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Syntax errors point at the line and column where the construct left open begins. */
class YamlSyntaxTest {
  private static final String HEAD =
      """
      environment: shop
      applications:
        web:
      """;

  @Test
  void anUnclosedDoubleQuoteIsReportedWhereItOpens() {
    assertThat(problems(HEAD + "    command: \"java -jar web.jar\n    path: ./web\nrouters: {}\n"))
        .containsExactly(
            "updraft.yaml:4:14: yaml: \"\"java -jar web.jar\" (expected: a closing \" for the"
                + " quote that opens here (the file ends before one))");
  }

  @Test
  void anUnclosedSingleQuoteIsReportedWhereItOpens() {
    assertThat(problems(HEAD + "    path: ./web\n    command: 'java -jar web.jar\n"))
        .containsExactly(
            "updraft.yaml:5:14: yaml: \"'java -jar web.jar\" (expected: a closing ' for the quote"
                + " that opens here (the file ends before one))");
  }

  @Test
  void anUnclosedQuotedKeyIsReportedWhereItOpens() {
    assertThat(problems("environment: shop\n\"routers\n: {}\napplications: {}\n"))
        .singleElement()
        .asString()
        .startsWith("updraft.yaml:2:1: yaml: \"\"routers\" (expected: a closing \"");
  }

  @Test
  void anUnclosedFlowSequenceIsReportedWhereItOpens() {
    assertThat(problems(HEAD + "    dependsOn: [db, cache\n    path: ./web\n"))
        .containsExactly(
            "updraft.yaml:4:16: yaml: \"[db, cache\" (expected: a ']' closing the list that opens"
                + " here (found : at 5:9 instead))");
  }

  @Test
  void anUnclosedFlowSequenceAtTheEndOfTheFile() {
    assertThat(problems(HEAD + "    path: ./web\n    dependsOn: [db, cache\n"))
        .containsExactly(
            "updraft.yaml:5:16: yaml: \"[db, cache\" (expected: a ']' closing the list that opens"
                + " here (the file ends before one))");
  }

  @Test
  void anUnclosedFlowMappingIsReportedWhereItOpens() {
    assertThat(problems(HEAD + "    health: {path: /health,\n    path: ./web\nrouters: {}\n"))
        .containsExactly(
            "updraft.yaml:4:13: yaml: \"{path: /health,\" (expected: a '}' closing the mapping that"
                + " opens here (found : at 6:8 instead))");
  }

  @Test
  void aFlowSequenceClosedByTheWrongBracket() {
    assertThat(problems(HEAD + "    env: {A: [1, 2}\n"))
        .containsExactly(
            "updraft.yaml:4:14: yaml: \"[1, 2}\" (expected: a ']' closing the list that opens here"
                + " (found } at 4:19 instead))");
  }

  @Test
  void aBlockScalarWhoseLinesAreNotIndentedIsReportedAtItsHeader() {
    assertThat(problems(HEAD + "    command: |\n    java -jar web.jar\n    path: ./web\n"))
        .containsExactly(
            "updraft.yaml:4:14: yaml: \"|\" (expected: the block scalar's lines indented more than"
                + " its key (line 5 is not, so the scalar is empty and YAML fails at line 6))");
  }

  @Test
  void aBadBlockScalarHeaderIsReportedAtTheHeader() {
    assertThat(problems(HEAD + "    command: |x\n      java -jar web.jar\n"))
        .singleElement()
        .asString()
        .startsWith("updraft.yaml:4:14: yaml: \"|x\" (expected: a block scalar header");
  }

  @Test
  void otherErrorsStayWhereTheParserStopped() {
    assertThat(problems("environment: shop\n  bad: indent\n"))
        .containsExactly(
            "updraft.yaml:2:6: yaml: \"mapping values are not allowed here\" (expected: valid"
                + " YAML)");
    assertThat(problems(HEAD + "    command: \"a\\qb\"\n"))
        .singleElement()
        .asString()
        .startsWith("updraft.yaml:4:17: yaml: \"found unknown escape character");
  }

  private static List<String> problems(String yaml) {
    try {
      SpecParser.parse("updraft.yaml", yaml, Path.of("/tmp/shop"));
    } catch (SpecException e) {
      return e.problems().stream().map(Problem::toString).toList();
    }
    throw new AssertionError("the spec was accepted:\n" + yaml);
  }
}
