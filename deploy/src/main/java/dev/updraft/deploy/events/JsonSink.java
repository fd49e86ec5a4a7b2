package dev.updraft.deploy.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** Machine output: one JSON object per event, secrets redacted. */
public final class JsonSink implements EventSink {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintWriter out;
  private final Redactor redactor;

  public JsonSink(PrintWriter out, Redactor redactor) {
    this.out = out;
    this.redactor = redactor;
  }

  @Override
  public synchronized void emit(Event event) {
    ObjectNode node = JSON.createObjectNode();
    node.put("elapsed_ms", event.elapsedMillis());
    switch (event) {
      case Event.Stage s ->
          node.put("event", "stage")
              .put("stage", s.stage())
              .put("message", redactor.redact(s.message()));
      case Event.StepEvent s ->
          node.put("event", "step")
              .put("service", s.service())
              .put("step", s.step())
              .put("outcome", s.outcome().name().toLowerCase())
              .put("message", redactor.redact(s.message()));
      case Event.Pods p ->
          node.put("event", "pods")
              .put("service", p.service())
              .put("desired", p.desired())
              .put("updated", p.updated())
              .put("ready", p.ready())
              .put("old", p.old());
      case Event.ContainerExit e -> {
        node.put("event", "exit")
            .put("service", e.service())
            .put("pod", e.pod())
            .put("restarts", e.restarts())
            .put("reason", e.reason())
            .put("meaning", redactor.redact(e.meaning()));
        if (e.exitCode() != null) {
          node.put("exit_code", e.exitCode());
        }
      }
      case Event.Warning w ->
          node.put("event", "warning")
              .put("service", w.service())
              .put("object", w.object())
              .put("reason", w.reason())
              .put("message", redactor.redact(w.message()))
              .put("count", w.count());
      case Event.Image i ->
          node.put("event", "image")
              .put("service", i.service())
              .put("image", i.image())
              .put("digest", i.digest())
              .put("built", i.built())
              .put("layers_pushed", i.layersPushed())
              .put("layers_present", i.layersPresent())
              .put("bytes_pushed", i.bytesPushed())
              .put("millis", i.millis());
      case Event.Finished f ->
          node.put("event", "finished")
              .put("success", f.success())
              .put("message", redactor.redact(f.message()));
    }
    out.println(node);
    out.flush();
  }
}
