package dev.updraft.deploy.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret values in the journal: sealed on disk, plain in memory; older journals sealed once. */
class JournalSealingTest {
  private static final String PASSWORD = "0f1e2d3c4b5a69788796a5b4";
  private static final String SPEC =
      "environment: e\napplications:\n  web:\n    secrets: {T: {value: inline-secret-1}}\n";

  @TempDir Path dir;

  private ServiceState db() {
    return new ServiceState(
        "db",
        ServiceKind.DATABASE,
        "v1",
        null,
        List.of(new ServiceState.Instance("db-db", 5432)),
        5432,
        Map.of(
            "host",
            "127.0.0.1",
            "password",
            PASSWORD,
            "url",
            "postgresql://postgres:" + PASSWORD + "@127.0.0.1:5432/db"));
  }

  private Journal open(EnvironmentKey key) {
    return Journal.open(
        dir.resolve("journal.jsonl"), Journal.sealer(key, value -> value.contains(PASSWORD)));
  }

  @Test
  void secretValuesAreSealedOnDiskAndReadBackPlain() throws Exception {
    EnvironmentKey key = EnvironmentKey.of(dir);
    Entry started =
        new Entry.ReleaseStarted(
            1,
            "t",
            ReleaseKind.APPLY,
            "updraft.yaml",
            SPEC,
            Map.of("db", "v1"),
            Map.of("web", new Fingerprint("ab12", "cd34")));
    try (Journal journal = open(key)) {
      journal.append(started);
      journal.append(new Entry.Deployed(1, db()));
    }
    String text = Files.readString(dir.resolve("journal.jsonl"));
    assertThat(text)
        .doesNotContain(PASSWORD)
        .doesNotContain("inline-secret-1")
        .contains("\"host\":\"127.0.0.1\"")
        .contains("\"fingerprints\":{\"web\":{\"secrets\":\"ab12\",\"source\":\"cd34\"}}");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("journal.jsonl"))))
        .isEqualTo("rw-------");
    try (Journal journal = open(key)) {
      assertThat(journal.entries()).containsExactly(started, new Entry.Deployed(1, db()));
      assertThat(journal.reseal()).as("nothing in plain text").isFalse();
    }
  }

  @Test
  void aJournalAnOlderUpdraftWroteIsSealedOnceItsSecretsAreKnown() throws Exception {
    try (Journal old = Journal.open(dir.resolve("journal.jsonl"))) {
      old.append(
          new Entry.ReleaseStarted(1, "t", ReleaseKind.APPLY, "u", SPEC, Map.of(), Map.of()));
      old.append(new Entry.Deployed(1, db()));
    }
    assertThat(dir.resolve("journal.jsonl")).content().contains(PASSWORD);

    EnvironmentKey key = EnvironmentKey.of(dir);
    try (Journal journal = open(key)) {
      assertThat(journal.reseal()).isTrue();
      journal.append(new Entry.ReleaseFinished(1, ReleaseStatus.SUCCEEDED, "ok"));
    }
    assertThat(dir.resolve("journal.jsonl"))
        .content()
        .doesNotContain(PASSWORD)
        .doesNotContain("inline-secret-1");
    try (Journal journal = open(key)) {
      assertThat(journal.reseal()).isFalse();
      assertThat(journal.entries()).hasSize(3);
      assertThat(History.of(journal.entries()).services().get("db").attributes())
          .containsEntry("password", PASSWORD);
      assertThat(History.of(journal.entries()).releases().getFirst().specText()).isEqualTo(SPEC);
    }
  }
}
