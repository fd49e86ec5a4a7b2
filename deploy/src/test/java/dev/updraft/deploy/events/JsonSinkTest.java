package dev.updraft.deploy.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.journal.StepOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonSinkTest {
  @Test
  void printsEveryKindOfEventAsTheObjectMapperDid() throws IOException {
    // events/databind-events.jsonl holds these events as the sink printed them with Jackson's
    // ObjectNode: scripts reading --json see the same lines.
    Redactor redactor = new Redactor();
    redactor.add("s3cr3t");
    StringWriter out = new StringWriter();
    JsonSink sink = new JsonSink(new PrintWriter(out), redactor);
    sink.emit(new Event.Stage(0, Event.Stage.Name.APPLY, "+ web (new application) s3cr3t"));
    sink.emit(new Event.StepEvent(12, "web", "create", StepOutcome.DONE, null));
    sink.emit(new Event.Pods(340, "web", 3, 2, 1, 1));
    sink.emit(
        new Event.ContainerExit(
            400, "job", "job-x1", 2, 137, "OOMKilled", "killed: out of memory"));
    sink.emit(new Event.ContainerExit(401, "job", "job-x2", 0, null, "Error", "\"quoted\"\n"));
    sink.emit(new Event.Warning(500, "web", "Pod/web-1", "BackOff", "Back-off restarting", 4));
    sink.emit(new Event.Finished(1234, true, "release 2 is live; web at http://127.0.0.1:8080/"));
    try (InputStream in = JsonSinkTest.class.getResourceAsStream("/events/databind-events.jsonl")) {
      assertThat(out.toString().lines())
          .containsExactlyElementsOf(
              new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }
  }
}
