package dev.updraft.deploy.journal;

import static org.assertj.core.api.Assertions.assertThat;

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
            "application",
            "v1",
            "/a",
            List.of(new ServiceState.Instance("web-v1-1", 4000)),
            8080,
            Map.of("url", "http://127.0.0.1:8080"));
    try (Journal journal = Journal.open(file)) {
      journal.append(
          new Entry.ReleaseStarted(
              1, "t", "apply", "updraft.yaml", "environment: e\n", Map.of("web", "v1"), Map.of()));
      journal.append(new Entry.Deployed(1, state));
    }
    // A crash mid-write leaves half a line behind.
    Files.writeString(
        file, "{\"type\":\"release-fini", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.entries()).hasSize(2);
      journal.append(new Entry.ReleaseFinished(1, "succeeded", "ok"));
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
      journal.append(new Entry.ReleaseStarted(1, "t", "apply", "u", "x", Map.of(), Map.of()));
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
                new Entry.ReleaseStarted(1, "t", "apply", "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(1, "succeeded", ""),
                new Entry.ReleaseStarted(2, "t", "apply", "u", "y", Map.of(), Map.of()),
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
                new Entry.ReleaseStarted(1, "t", "apply", "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(1, "succeeded", ""),
                new Entry.ReleaseStarted(2, "t", "destroy", "u", "", Map.of(), Map.of()),
                new Entry.ReleaseFinished(2, "succeeded", "destroyed"),
                new Entry.ReleaseStarted(3, "t", "apply", "u", "x", Map.of(), Map.of()),
                new Entry.ReleaseFinished(3, "failed", "boom")));
    assertThat(history.lastGood()).isNull();
  }
}
