package dev.updraft.deploy.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.state.Sealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  @Test
  void entriesSurviveReopeningAndATornLastLineIsCutOff() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    ServiceState state =
        new ServiceState(
            "web",
            ServiceKind.APPLICATION,
            "v1",
            "/a",
            List.of(new ServiceState.Instance("web-v1-1", 4000)),
            8080,
            Map.of("url", "http://127.0.0.1:8080"));
    try (Journal journal = Journal.open(file)) {
      journal.append(
          new Entry.ReleaseStarted(
              1,
              "t",
              ReleaseKind.APPLY,
              "updraft.yaml",
              "environment: e\n",
              Map.of("web", "v1"),
              Map.of()));
      journal.append(new Entry.Deployed(1, state));
    }
    // A crash mid-write leaves half a line behind.
    Files.writeString(
        file, "{\"type\":\"release-fini", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.entries()).hasSize(2);
      journal.append(new Entry.ReleaseFinished(1, ReleaseStatus.SUCCEEDED, "ok"));
    }
    try (Journal journal = Journal.open(file)) {
      History history = History.of(journal.entries());
      assertThat(history.services()).containsEntry("web", state);
      assertThat(history.lastGood().number()).isEqualTo(1);
      assertThat(history.nextRelease()).isEqualTo(2);
      assertThat(history.interrupted()).isNull();
    }
    assertThat(Files.readString(file)).doesNotContain("release-fini\"").endsWith("\n");
  }

  @Test
  void aReaderLeavesALineStillBeingWrittenAlone() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    assertThat(Journal.read(file, dev.updraft.deploy.state.Sealer.PLAIN)).isEmpty();
    try (Journal journal = Journal.open(file)) {
      journal.append(
          new Entry.ReleaseStarted(1, "t", ReleaseKind.APPLY, "u", "x", Map.of(), Map.of()));
    }
    String partial = "{\"type\":\"step\",\"rele";
    Files.writeString(file, partial, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(Journal.read(file, dev.updraft.deploy.state.Sealer.PLAIN)).hasSize(1);
    assertThat(Files.readString(file)).endsWith(partial);
  }

  @Test
  void aReleaseWithoutAnEndIsInterrupted() {
    History history =
        History.of(
            List.of(
                new Entry.ReleaseStarted(1, "t", ReleaseKind.APPLY, "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(1, ReleaseStatus.SUCCEEDED, ""),
                new Entry.ReleaseStarted(2, "t", ReleaseKind.APPLY, "u", "y", Map.of(), Map.of()),
                new Entry.Removed(2, "gone")));
    assertThat(history.interrupted().number()).isEqualTo(2);
    assertThat(history.lastGood().number()).isEqualTo(1);
  }

  @Test
  void afterADestroyNoReleaseRuns() {
    // An apply that fails after `updraft down` has nothing to go back to but nothing.
    History history =
        History.of(
            List.of(
                new Entry.ReleaseStarted(1, "t", ReleaseKind.APPLY, "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(1, ReleaseStatus.SUCCEEDED, ""),
                new Entry.ReleaseStarted(2, "t", ReleaseKind.DESTROY, "u", "", Map.of(), Map.of()),
                new Entry.ReleaseFinished(2, ReleaseStatus.SUCCEEDED, "destroyed"),
                new Entry.ReleaseStarted(3, "t", ReleaseKind.APPLY, "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(3, ReleaseStatus.FAILED, "boom")));
    assertThat(history.lastGood()).isNull();
  }

  @Test
  void aJournalTheEarlierUpdraftWroteReadsItsKindsAndStatusesAsTheSameWords() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    // Lines as the updraft before the enums wrote them: kinds and statuses as plain words.
    String old =
        """
        {"type":"release-started","release":1,"time":"t","kind":"apply","specPath":"/s","specText":"x","versions":{}}
        {"type":"release-finished","release":1,"status":"succeeded","message":"apply of release 1"}
        {"type":"release-started","release":2,"time":"t","kind":"apply","specPath":"/s","specText":"y","versions":{}}
        {"type":"release-finished","release":2,"status":"interrupted","message":"the engine stopped"}
        {"type":"release-started","release":3,"time":"t","kind":"rollback","specPath":"/s","specText":"x","versions":{}}
        {"type":"release-finished","release":3,"status":"failed","message":"boom"}
        {"type":"release-started","release":4,"time":"t","kind":"destroy","specPath":"/s","specText":"","versions":{}}
        {"type":"release-finished","release":4,"status":"succeeded","message":"destroyed"}
        {"type":"release-started","release":5,"time":"t","kind":"apply","specPath":"/s","specText":"x","versions":{}}
        """;
    Files.writeString(file, old);
    try (Journal journal = Journal.open(file)) {
      History history = History.of(journal.entries());
      assertThat(history.releases())
          .extracting(History.Release::kind, History.Release::status)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.SUCCEEDED),
              org.assertj.core.groups.Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.INTERRUPTED),
              org.assertj.core.groups.Tuple.tuple(ReleaseKind.ROLLBACK, ReleaseStatus.FAILED),
              org.assertj.core.groups.Tuple.tuple(ReleaseKind.DESTROY, ReleaseStatus.SUCCEEDED),
              org.assertj.core.groups.Tuple.tuple(ReleaseKind.APPLY, ReleaseStatus.IN_PROGRESS));
      assertThat(history.interrupted().number()).isEqualTo(5);
      assertThat(history.lastGood()).as("the newest success is a destroy").isNull();
      journal.append(new Entry.ReleaseFinished(5, ReleaseStatus.SUCCEEDED, "apply of release 5"));
    }
    assertThat(Files.readString(file))
        .startsWith(old)
        .endsWith(
            "{\"type\":\"release-finished\",\"release\":5,\"status\":\"succeeded\","
                + "\"message\":\"apply of release 5\"}\n");
  }

  @Test
  void aWordThisUpdraftDoesNotKnowRefusesTheJournalWithoutCuttingIt() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    String newer =
        """
        {"type":"release-started","release":1,"time":"t","kind":"preview","specPath":"/s","specText":"x","versions":{}}
        {"type":"release-finished","release":1,"status":"succeeded","message":"ok"}
        """;
    Files.writeString(file, newer);
    assertThatThrownBy(() -> Journal.open(file))
        .hasMessageContaining("kind: preview (expected one of [apply, rollback, destroy])")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("\n");
    assertThat(Files.readString(file)).isEqualTo(newer);
  }

  @Test
  void aSealedValueThisStateDirectoryCannotOpenRefusesTheJournalWithoutCuttingIt()
      throws Exception {
    Path file = dir.resolve("journal.jsonl");
    // Sealed with a secrets.key that is not here (copied without it, or deleted).
    String sealed =
        """
        {"type":"deployed","release":1,"state":{"service":"web","kind":"application","version":"v","artifact":"/a","instances":[],"servicePort":8080,"attributes":{"url":"sealed:v1:AAAA"}}}
        {"type":"release-finished","release":1,"status":"succeeded","message":"ok"}
        """;
    Files.writeString(file, sealed);
    assertThatThrownBy(() -> Journal.open(file))
        .hasMessageContaining("attribute url: the value is sealed")
        .hasMessageContaining("the journal is left as it is")
        .hasMessageNotContaining("\n");
    assertThat(Files.readString(file)).isEqualTo(sealed);
  }

  @Test
  void stepsAndServicesOfAnEarlierJournalReadAsTheirWordsAndWriteBackTheSameBytes()
      throws Exception {
    // Lines as the updraft before these enums wrote them: outcomes and kinds as plain words.
    List<String> old =
        List.of(
            "{\"type\":\"step\",\"release\":1,\"service\":\"db\",\"action\":\"create\","
                + "\"outcome\":\"started\",\"detail\":\"postgres\"}",
            "{\"type\":\"step\",\"release\":1,\"service\":\"db\",\"action\":\"start\","
                + "\"outcome\":\"progress\",\"detail\":\"db-db\",\"time\":\"t\"}",
            "{\"type\":\"step\",\"release\":1,\"service\":\"db\",\"action\":\"create\","
                + "\"outcome\":\"done\",\"detail\":null}",
            "{\"type\":\"step\",\"release\":1,\"service\":\"web\",\"action\":\"update\","
                + "\"outcome\":\"unchanged\",\"detail\":null}",
            "{\"type\":\"step\",\"release\":1,\"service\":\"api\",\"action\":\"create\","
                + "\"outcome\":\"failed\",\"detail\":\"exit 1\"}",
            "{\"type\":\"step\",\"release\":1,\"service\":\"api\",\"action\":\"create\","
                + "\"outcome\":\"rolled_back\",\"detail\":null}",
            "{\"type\":\"deployed\",\"release\":1,\"state\":{\"service\":\"db\","
                + "\"kind\":\"database\",\"version\":\"v\",\"artifact\":null,\"instances\":[],"
                + "\"servicePort\":5432,\"attributes\":{}}}");
    Files.writeString(file(), String.join("\n", old) + "\n");
    List<Entry> entries;
    try (Journal journal = Journal.open(file())) {
      entries = journal.entries();
    }
    assertThat(entries.subList(0, 6))
        .extracting(e -> ((Entry.Step) e).outcome())
        .containsExactly(
            StepOutcome.STARTED,
            StepOutcome.PROGRESS,
            StepOutcome.DONE,
            StepOutcome.UNCHANGED,
            StepOutcome.FAILED,
            StepOutcome.ROLLED_BACK);
    assertThat(((Entry.Deployed) entries.get(6)).state().kind()).isEqualTo(ServiceKind.DATABASE);
    assertThat(entries).extracting(EntryJson::write).containsExactlyElementsOf(old);
  }

  @Test
  void anOutcomeOrKindThisUpdraftDoesNotKnowRefusesTheJournalAndFailsAReaderLoudly()
      throws Exception {
    String good =
        "{\"type\":\"release-started\",\"release\":1,\"time\":\"t\",\"kind\":\"apply\","
            + "\"specPath\":\"/s\",\"specText\":\"x\",\"versions\":{}}\n";
    String after = "{\"type\":\"release-finished\",\"release\":1,\"status\":\"failed\"}\n";
    Map<String, String> newer =
        Map.of(
            "outcome: paused (expected one of [started, progress, done, unchanged, failed,"
                + " rolled_back])",
            "{\"type\":\"step\",\"release\":1,\"service\":\"a\",\"action\":\"create\","
                + "\"outcome\":\"paused\",\"detail\":null}\n",
            "kind: queue (expected one of [application, container, job, database, router])",
            "{\"type\":\"deployed\",\"release\":1,\"state\":{\"service\":\"q\","
                + "\"kind\":\"queue\",\"version\":\"v\",\"instances\":[],\"attributes\":{}}}\n");
    for (Map.Entry<String, String> line : newer.entrySet()) {
      String text = good + line.getValue() + after;
      Files.writeString(file(), text);
      assertThatThrownBy(() -> Journal.open(file()))
          .hasMessageContaining(line.getKey())
          .hasMessageContaining(file().toString())
          .hasMessageNotContaining("\n");
      assertThat(Files.readString(file())).as("not cut").isEqualTo(text);
      // The console's reader: never a history whose end is silently missing.
      assertThatThrownBy(() -> Journal.read(file(), Sealer.PLAIN))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining(file() + ": line 2: " + line.getKey())
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void aReaderStillEndsAtALineThatIsNoEntryAtAll() throws Exception {
    String good =
        "{\"type\":\"release-started\",\"release\":1,\"time\":\"t\",\"kind\":\"apply\","
            + "\"specPath\":\"/s\",\"specText\":\"x\",\"versions\":{}}\n";
    Files.writeString(file(), good + "{\"type\":\"step\",\"rel\n" + good);
    assertThat(Journal.read(file(), Sealer.PLAIN)).hasSize(1);
  }

  private Path file() {
    return dir.resolve("journal.jsonl");
  }
}
