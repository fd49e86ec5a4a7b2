package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code updraft deploy preview} as users type it: create, list (table and JSON), delete, and
 * values refused in one line each. Runs real supervisors and a real Redis.
 */
class PreviewCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static InProcessCli updraft(String... args) {
    return InProcessCli.run(args);
  }

  @AfterEach
  void down() {
    updraft("deploy", "preview", "delete", "pr-1", "--path", dir.toString());
    updraft("deploy", "destroy", "-f", dir.resolve("updraft.yaml").toString());
  }

  @Test
  void aPreviewIsCreatedListedAndDeletedFromTheCommandLine() throws Exception {
    Files.writeString(
        dir.resolve("updraft.yaml"), "environment: web\ndatabases:\n  cache: {engine: redis}\n");
    String path = dir.toString();
    InProcessCli up = updraft("deploy", "apply", "-f", dir.resolve("updraft.yaml").toString());
    assertThat(up.exit()).as(up.err()).isZero();

    InProcessCli create =
        updraft(
            "deploy", "preview", "create", "pr-1", "--from", "web", "--path", path, "--ttl", "2h");
    assertThat(create.exit()).as(create.err()).isZero();
    assertThat(create.out()).contains("Preview pr-1 of web is up");

    InProcessCli table = updraft("deploy", "preview", "list", "--path", path);
    assertThat(table.out().lines().toList())
        .hasSize(2)
        .satisfies(lines -> assertThat(lines.getFirst()).startsWith("NAME").contains("TTL"))
        .satisfies(
            lines -> assertThat(lines.getLast()).startsWith("pr-1").contains(" web ", " 2h "));
    InProcessCli json = updraft("deploy", "preview", "list", "--path", path, "--json");
    JsonNode listed = JSON.readTree(json.out()).get("previews");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("name").asText()).isEqualTo("pr-1");
    assertThat(listed.get(0).get("source").asText()).isEqualTo("web");
    assertThat(listed.get(0).get("ttl_seconds").asLong()).isEqualTo(7200);

    InProcessCli badName =
        updraft("deploy", "preview", "create", "Pr_2", "--from", "web", "--path", path);
    assertThat(badName.exit()).isEqualTo(1);
    assertThat(badName.err().strip())
        .isEqualTo(
            "updraft: NAME: \"Pr_2\" (expected: a lower-case DNS label: letters, digits and '-',"
                + " at most 63)");
    InProcessCli badTtl =
        updraft(
            "deploy", "preview", "create", "pr-2", "--from", "web", "--path", path, "--ttl",
            "1day");
    assertThat(badTtl.err().strip())
        .isEqualTo("updraft: --ttl: \"1day\" (expected: a duration such as 90s, 30m, 24h or 7d)");
    InProcessCli badSource =
        updraft("deploy", "preview", "create", "pr-2", "--from", "shop", "--path", path);
    assertThat(badSource.err().strip()).startsWith("updraft: --from: \"shop\" (expected: the");
    InProcessCli twice =
        updraft("deploy", "preview", "create", "pr-1", "--from", "web", "--path", path);
    assertThat(twice.err()).contains("exists already").contains("preview delete pr-1");
    assertThat(dir.resolve(".updraft/pr-2")).doesNotExist();

    InProcessCli delete = updraft("deploy", "preview", "delete", "pr-1", "--path", path);
    assertThat(delete.exit()).as(delete.err()).isZero();
    assertThat(dir.resolve(".updraft/pr-1")).doesNotExist();
    assertThat(updraft("deploy", "preview", "list", "--path", path).out().strip())
        .isEqualTo("No previews.");
    InProcessCli none = updraft("deploy", "preview", "delete", "pr-1", "--path", path);
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).startsWith("updraft: preview pr-1: there is none");
  }
}
