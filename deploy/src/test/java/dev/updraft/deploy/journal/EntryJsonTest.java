package dev.updraft.deploy.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.ServiceKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryJsonTest {
  // One entry of each kind, as the lines in journal/databind-lines.jsonl hold them: those were
  // written by the engine's earlier ObjectMapper, so journals written before read the same.
  private static final List<Entry> ENTRIES = entries();

  @Test
  void readsAndWritesTheLinesDataBindingWrote() throws IOException {
    List<String> lines = golden();
    assertThat(lines).hasSameSizeAs(ENTRIES);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(EntryJson.read(lines.get(i))).isEqualTo(ENTRIES.get(i));
      assertThat(EntryJson.write(ENTRIES.get(i))).isEqualTo(lines.get(i));
    }
  }

  @Test
  void ignoresUnknownFieldsAndReadsAbsentOnesAsNull() throws IOException {
    assertThat(
            EntryJson.read("{\"release\":2,\"extra\":[1,{}],\"type\":\"step\",\"service\":\"a\"}"))
        .isEqualTo(new Entry.Step(2, "a", null, null, null, null));
  }

  @Test
  void keepsWhenAStepHappenedAndWhoStartedTheRelease() throws IOException {
    Entry step =
        new Entry.Step(4, "web", "create", StepOutcome.DONE, "ok", "2026-12-07T05:00:01.5Z");
    assertThat(EntryJson.write(step)).contains("\"time\":\"2026-12-07T05:00:01.5Z\"");
    assertThat(EntryJson.read(EntryJson.write(step))).isEqualTo(step);
    Entry started =
        new Entry.ReleaseStarted(
            4, "t", ReleaseKind.ROLLBACK, "/s", "", Map.of(), Map.of(), "console (ana)");
    assertThat(EntryJson.read(EntryJson.write(started))).isEqualTo(started);
  }

  @Test
  void stampsStepsNowAndReleasesWithTheBoundActor() {
    assertThat(new Entry.Step(1, "a", "create", StepOutcome.STARTED, null).time()).isNotNull();
    Entry.ReleaseStarted byConsole =
        ScopedValue.where(Actor.BY, "console")
            .call(
                () ->
                    new Entry.ReleaseStarted(
                        1, "t", ReleaseKind.APPLY, "/s", "", Map.of(), Map.of()));
    assertThat(byConsole.startedBy()).isEqualTo("console");
    assertThat(
            new Entry.ReleaseStarted(1, "t", ReleaseKind.APPLY, "/s", "", Map.of(), Map.of())
                .startedBy())
        .endsWith("(cli)");
  }

  @Test
  void rejectsTornLinesUnknownTypesAndWrongTypes() {
    assertThatThrownBy(() -> EntryJson.read("{\"type\":\"release-fini"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> EntryJson.read("{\"type\":\"step\",\"release\":1"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> EntryJson.read("{\"release\":1}")).hasMessageContaining("type: null");
    assertThatThrownBy(() -> EntryJson.read("{\"type\":\"other\"}")).hasMessageContaining("other");
    assertThatThrownBy(() -> EntryJson.read("{\"type\":\"step\",\"service\":3}"))
        .hasMessageContaining("service: 3 (expected: string)");
    assertThatThrownBy(() -> EntryJson.read("[]")).isInstanceOf(IOException.class);
  }

  private static List<String> golden() throws IOException {
    try (InputStream in =
        EntryJsonTest.class.getResourceAsStream("/journal/databind-lines.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static List<Entry> entries() {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("web", "0a1b2c3d4e5f");
    versions.put("db", "ffeeddccbbaa");
    String spec =
        "environment: e\napplications:\n  web: {path: ./web, command: \"echo \\\"hi\\\"\"}\n";
    List<ServiceState.Instance> instances =
        List.of(
            new ServiceState.Instance("web-0a1b2c3d4e5f-1", 4001),
            new ServiceState.Instance("web-0a1b2c3d4e5f-2", 4002));
    return List.of(
        new Entry.ReleaseStarted(
            3,
            "2026-12-01T10:00:00Z",
            ReleaseKind.APPLY,
            "/srv/updraft.yaml",
            spec,
            versions,
            Map.of(),
            null),
        new Entry.Step(3, "web", "create", StepOutcome.STARTED, null, null),
        new Entry.Step(
            3,
            "web",
            "create",
            StepOutcome.DONE,
            "2 healthy instance(s) behind port 8080 — ok\ttab",
            null),
        new Entry.Deployed(
            3,
            new ServiceState(
                "web",
                ServiceKind.APPLICATION,
                "0a1b2c3d4e5f",
                "/a/b",
                instances,
                8080,
                Map.of("url", "http://127.0.0.1:8080"))),
        new Entry.Deployed(
            3,
            new ServiceState("migrate", ServiceKind.JOB, "ffeeddccbbaa", null, null, null, null)),
        new Entry.Removed(3, "old"),
        new Entry.ReleaseFinished(
            3, ReleaseStatus.FAILED, "web: build failed (exit 1): javac \"x\"\n"));
  }

  @Test
  void anUnknownTypeIsReportedOnOneLine() {
    // Fuzz finding (EntryJsonFuzzTest): a damaged line's type was quoted as found, line break too.
    assertThatThrownBy(() -> EntryJson.read("{\"type\":\"rel\\neased\"}"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("type: rel\\u000aeased (expected: ");
  }
}
