package dev.updraft.deploy.journal;

import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.json.JsonObject;
import java.io.IOException;
import java.util.Map;

/**
 * A journal entry as one line of JSON: its fields in record order after a {@code type} naming the
 * kind, nulls written out. Unknown fields are ignored, so a newer engine's lines stay readable.
 */
final class EntryJson {
  private EntryJson() {}

  static String write(Entry entry) {
    return Json.write(
        switch (entry) {
          case Entry.ReleaseStarted s ->
              Json.object(
                  "type", "release-started",
                  "release", s.release(),
                  "time", s.time(),
                  "kind", s.kind(),
                  "specPath", s.specPath(),
                  "specText", s.specText(),
                  "versions", s.versions());
          case Entry.Step s ->
              Json.object(
                  "type", "step",
                  "release", s.release(),
                  "service", s.service(),
                  "action", s.action(),
                  "outcome", s.outcome(),
                  "detail", s.detail());
          case Entry.Deployed d ->
              Json.object("type", "deployed", "release", d.release(), "state", state(d.state()));
          case Entry.Removed r ->
              Json.object("type", "removed", "release", r.release(), "service", r.service());
          case Entry.ReleaseFinished f ->
              Json.object(
                  "type", "release-finished",
                  "release", f.release(),
                  "status", f.status(),
                  "message", f.message());
        });
  }

  private static Map<String, Object> state(ServiceState s) {
    return s == null
        ? null
        : Json.object(
            "service", s.service(),
            "kind", s.kind(),
            "version", s.version(),
            "artifact", s.artifact(),
            "instances", Json.list(s.instances(), i -> Json.object("id", i.id(), "port", i.port())),
            "servicePort", s.servicePort(),
            "attributes", s.attributes());
  }

  /**
   * @throws IOException if the line is no entry: torn by a crash, or of an unknown type
   */
  static Entry read(String line) throws IOException {
    JsonObject o = Json.parse(line);
    String type = o.string("type");
    return switch (type == null ? "" : type) {
      case "release-started" ->
          new Entry.ReleaseStarted(
              o.intValue("release"),
              o.string("time"),
              o.string("kind"),
              o.string("specPath"),
              o.string("specText"),
              o.stringMap("versions"));
      case "step" ->
          new Entry.Step(
              o.intValue("release"),
              o.string("service"),
              o.string("action"),
              o.string("outcome"),
              o.string("detail"));
      case "deployed" -> new Entry.Deployed(o.intValue("release"), state(o.object("state")));
      case "removed" -> new Entry.Removed(o.intValue("release"), o.string("service"));
      case "release-finished" ->
          new Entry.ReleaseFinished(o.intValue("release"), o.string("status"), o.string("message"));
      default ->
          throw new IOException(
              "type: "
                  + type
                  + " (expected: release-started, step, deployed, removed, release-finished)");
    };
  }

  private static ServiceState state(JsonObject o) throws IOException {
    return o == null
        ? null
        : new ServiceState(
            o.string("service"),
            o.string("kind"),
            o.string("version"),
            o.string("artifact"),
            o.objects(
                "instances", i -> new ServiceState.Instance(i.string("id"), i.intValue("port"))),
            o.integer("servicePort"),
            o.stringMap("attributes"));
  }
}
