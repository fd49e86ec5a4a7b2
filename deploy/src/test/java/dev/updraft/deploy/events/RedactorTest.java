package dev.updraft.deploy.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
        new Event.StepEvent(1200, "api", "start", Event.Outcome.FAILED, "bad password hunter2"));
    StringWriter json = new StringWriter();
    new JsonSink(new PrintWriter(json), redactor)
        .emit(new Event.StepEvent(1, "api", "start", Event.Outcome.DONE, "token hunter2-secret"));
    assertThat(out.toString())
        .contains("api")
        .contains("failed")
        .contains("1.2s")
        .doesNotContain("hunter2");
    assertThat(json.toString()).contains("\"outcome\":\"done\"").doesNotContain("hunter2");
  }
}
