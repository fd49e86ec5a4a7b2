package dev.updraft.deploy.events;

import dev.updraft.deploy.json.Json;
import java.io.PrintWriter;
import java.util.Map;

/** Machine output: one JSON object per event, secrets redacted. */
public final class JsonSink implements EventSink {
  private final PrintWriter out;
  private final Redactor redactor;

  public JsonSink(PrintWriter out, Redactor redactor) {
    this.out = out;
    this.redactor = redactor;
  }

  @Override
  public synchronized void emit(Event event) {
    Map<String, Object> fields =
        switch (event) {
          case Event.Stage s ->
              Json.object(
                  "event", "stage",
                  "stage", s.stage().word(),
                  "message", redactor.redact(s.message()));
          case Event.StepEvent s ->
              Json.object(
                  "event", "step",
                  "service", s.service(),
                  "step", s.step(),
                  "outcome", s.outcome().word(),
                  "message", redactor.redact(s.message()));
          case Event.Pods p ->
              Json.object(
                  "event", "pods",
                  "service", p.service(),
                  "desired", p.desired(),
                  "updated", p.updated(),
                  "ready", p.ready(),
                  "old", p.old());
          case Event.ContainerExit e -> {
            Map<String, Object> exit =
                Json.object(
                    "event", "exit",
                    "service", e.service(),
                    "pod", e.pod(),
                    "restarts", e.restarts(),
                    "reason", e.reason(),
                    "meaning", redactor.redact(e.meaning()));
            if (e.exitCode() != null) {
              exit.put("exit_code", e.exitCode());
            }
            yield exit;
          }
          case Event.Warning w ->
              Json.object(
                  "event", "warning",
                  "service", w.service(),
                  "object", w.object(),
                  "reason", w.reason(),
                  "message", redactor.redact(w.message()),
                  "count", w.count());
          case Event.Image i ->
              Json.object(
                  "event", "image",
                  "service", i.service(),
                  "image", i.image(),
                  "digest", i.digest(),
                  "built", i.built(),
                  "layers_pushed", i.layersPushed(),
                  "layers_present", i.layersPresent(),
                  "bytes_pushed", i.bytesPushed(),
                  "millis", i.millis());
          case Event.Finished f ->
              Json.object(
                  "event", "finished",
                  "success", f.success(),
                  "message", redactor.redact(f.message()));
        };
    Map<String, Object> line = Json.object("elapsed_ms", event.elapsedMillis());
    line.putAll(fields);
    out.println(Json.write(line));
    out.flush();
  }
}
