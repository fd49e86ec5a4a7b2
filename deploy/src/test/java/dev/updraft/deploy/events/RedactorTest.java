package dev.updraft.deploy.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.journal.StepOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void secretsNeverReachTheOutput() {
    Redactor redactor = new Redactor();
    redactor.add("hunter2-secret");
    redactor.add("hunter2");
    redactor.add("ab"); // too short to mask safely
    assertThat(redactor.redact("url postgresql://u:hunter2-secret@h/db and hunter2, ab"))
        .isEqualTo("url postgresql://u:******@h/db and ******, ab");
    StringWriter out = new StringWriter();
    ConsoleSink console = new ConsoleSink(new PrintWriter(out), redactor);
    console.emit(
        new Event.StepEvent(1200, "api", "start", StepOutcome.FAILED, "bad password hunter2"));
    StringWriter json = new StringWriter();
    new JsonSink(new PrintWriter(json), redactor)
        .emit(new Event.StepEvent(1, "api", "start", StepOutcome.DONE, "token hunter2-secret"));
    assertThat(out.toString())
        .contains("api")
        .contains("failed")
        .contains("1.2s")
        .doesNotContain("hunter2");
    assertThat(json.toString()).contains("\"outcome\":\"done\"").doesNotContain("hunter2");
  }

  @Test
  void podsExitsAndWarningsPrintAsLinesAndJsonWithoutSecrets() {
    Redactor redactor = new Redactor();
    redactor.add("hunter2");
    List<Event> events =
        List.of(
            new Event.Pods(2100, "api", 2, 1, 1, 2),
            new Event.ContainerExit(
                2200, "api", "api-7d9c-x1", 3, 137, "OOMKilled", "killed by SIGKILL (137)"),
            new Event.Warning(
                2300, "api", "Pod/api-7d9c-x1", "Failed", "bad flag --password=hunter2", 4));
    StringWriter out = new StringWriter();
    StringWriter json = new StringWriter();
    ConsoleSink console = new ConsoleSink(new PrintWriter(out), redactor);
    JsonSink machine = new JsonSink(new PrintWriter(json), redactor);
    events.forEach(console::emit);
    events.forEach(machine::emit);

    assertThat(out.toString().lines())
        .containsExactly(
            "  api            pods       progress       2.1s  new 1/2 (1 ready), old 2",
            "  api            exit       progress       2.2s  api-7d9c-x1 restarted 3x: killed by"
                + " SIGKILL (137) [OOMKilled]",
            "  api            warning    x4             2.3s  Pod/api-7d9c-x1 Failed: bad flag"
                + " --password=******");
    assertThat(json.toString().lines())
        .containsExactly(
            "{\"elapsed_ms\":2100,\"event\":\"pods\",\"service\":\"api\",\"desired\":2,"
                + "\"updated\":1,\"ready\":1,\"old\":2}",
            "{\"elapsed_ms\":2200,\"event\":\"exit\",\"service\":\"api\",\"pod\":\"api-7d9c-x1\","
                + "\"restarts\":3,\"reason\":\"OOMKilled\",\"meaning\":\"killed by SIGKILL (137)\","
                + "\"exit_code\":137}",
            "{\"elapsed_ms\":2300,\"event\":\"warning\",\"service\":\"api\","
                + "\"object\":\"Pod/api-7d9c-x1\",\"reason\":\"Failed\","
                + "\"message\":\"bad flag --password=******\",\"count\":4}");
  }

  @Test
  void anImageSaysWhatWasPushedAndItsDigest() {
    String digest = "sha256:" + "0f".repeat(32);
    StringWriter out = new StringWriter();
    StringWriter json = new StringWriter();
    for (Event event :
        List.of(
            new Event.Image(
                3400, "web", "ghcr.io/acme/shop-web:0123", digest, true, 1, 2, 1536, 2800),
            new Event.Image(
                100, "web", "ghcr.io/acme/shop-web:0123", digest, false, 0, 3, 0, 40))) {
      new ConsoleSink(new PrintWriter(out), new Redactor()).emit(event);
      new JsonSink(new PrintWriter(json), new Redactor()).emit(event);
    }

    assertThat(out.toString().lines())
        .containsExactly(
            "  web            image      pushed         3.4s  ghcr.io/acme/shop-web:0123@"
                + digest
                + " (layers: 1 pushed, 1.5 kB; 2 present) in 2.8s",
            "  web            image      present        0.1s  ghcr.io/acme/shop-web:0123@"
                + digest
                + " (in the registry already) in 0.0s");
    assertThat(json.toString().lines().findFirst().orElseThrow())
        .isEqualTo(
            "{\"elapsed_ms\":3400,\"event\":\"image\",\"service\":\"web\","
                + "\"image\":\"ghcr.io/acme/shop-web:0123\",\"digest\":\""
                + digest
                + "\",\"built\":true,\"layers_pushed\":1,\"layers_present\":2,"
                + "\"bytes_pushed\":1536,\"millis\":2800}");
  }
}
