package dev.updraft.deploy.journal;

import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.json.JsonObject;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.state.SealedValueException;
import dev.updraft.deploy.state.Sealer;
import dev.updraft.sys.Printable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A journal entry as one line of JSON: its fields in record order after a {@code type} naming the
 * kind, nulls written out. Unknown fields are ignored, so a newer engine's lines stay readable. The
 * spec's text and the attributes of a deployed service are sealed when they hold a secret (a spec
 * with an inline secret value, a database's password and URL), each as its release, service and
 * name.
 */
final class EntryJson {
  private EntryJson() {}

  static String write(Entry entry) {
    return write(entry, Sealer.PLAIN);
  }

  static String write(Entry entry, Sealer sealer) {
    return Json.write(
        switch (entry) {
          case Entry.ReleaseStarted s -> {
            Map<String, Object> started =
                Json.object(
                    "type", "release-started",
                    "release", s.release(),
                    "time", s.time(),
                    "kind", s.kind().word(),
                    "specPath", s.specPath(),
                    "specText", sealer.seal(specField(s.release()), s.specText()),
                    "versions", s.versions());
            if (s.startedBy() != null) {
              started.put("startedBy", s.startedBy());
            }
            if (!s.fingerprints().isEmpty()) { // lines of releases without them read as before
              started.put(
                  "fingerprints",
                  Json.map(
                      s.fingerprints(),
                      f -> Json.object("secrets", f.secrets(), "source", f.source())));
            }
            yield started;
          }
          case Entry.Step s -> {
            Map<String, Object> step =
                Json.object(
                    "type", "step",
                    "release", s.release(),
                    "service", s.service(),
                    "action", s.action(),
                    "outcome", s.outcome() == null ? null : s.outcome().word(),
                    "detail", s.detail());
            if (s.time() != null) { // lines of steps without one read as before
              step.put("time", s.time());
            }
            yield step;
          }
          case Entry.Deployed d ->
              Json.object(
                  "type",
                  "deployed",
                  "release",
                  d.release(),
                  "state",
                  state(d.state(), d.release(), sealer));
          case Entry.Removed r ->
              Json.object("type", "removed", "release", r.release(), "service", r.service());
          case Entry.ReleaseFinished f ->
              Json.object(
                  "type", "release-finished",
                  "release", f.release(),
                  "status", f.status().word(),
                  "message", f.message());
        });
  }

  private static Map<String, Object> state(ServiceState s, int release, Sealer sealer) {
    if (s == null) {
      return null;
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    s.attributes()
        .forEach(
            (name, value) ->
                attributes.put(
                    name, sealer.seal(attributeField(release, s.service(), name), value)));
    return Json.object(
        "service", s.service(),
        "kind", s.kind() == null ? null : s.kind().word(),
        "version", s.version(),
        "artifact", s.artifact(),
        "instances", Json.list(s.instances(), i -> Json.object("id", i.id(), "port", i.port())),
        "servicePort", s.servicePort(),
        "attributes", attributes);
  }

  static Entry read(String line) throws IOException {
    return read(line, Sealer.PLAIN, (field, value) -> {});
  }

  /**
   * @param plain receives each field that could be sealed, with its value as found (sealed or in
   *     plain text), so that a journal an older updraft wrote can be sealed
   * @throws IOException if the line is no entry: torn by a crash, or of an unknown type
   */
  static Entry read(String line, Sealer sealer, BiConsumer<String, String> plain)
      throws IOException {
    JsonObject o = Json.parse(line);
    String type = o.string("type");
    return switch (type == null ? "" : type) {
      case "release-started" -> {
        int release = o.intValue("release");
        String text = o.string("specText");
        plain.accept(specField(release), text);
        yield new Entry.ReleaseStarted(
            release,
            o.string("time"),
            word(ReleaseKind::parse, o.string("kind")),
            o.string("specPath"),
            open(sealer, specField(release), text),
            o.stringMap("versions"),
            o.objectMap(
                "fingerprints", f -> new Fingerprint(f.string("secrets"), f.string("source"))),
            o.string("startedBy"));
      }
      case "step" ->
          new Entry.Step(
              o.intValue("release"),
              o.string("service"),
              o.string("action"),
              optionalWord(StepOutcome::parse, o.string("outcome")),
              o.string("detail"),
              o.string("time"));
      case "deployed" -> {
        int release = o.intValue("release");
        yield new Entry.Deployed(release, state(o.object("state"), release, sealer, plain));
      }
      case "removed" -> new Entry.Removed(o.intValue("release"), o.string("service"));
      case "release-finished" ->
          new Entry.ReleaseFinished(
              o.intValue("release"),
              word(ReleaseStatus::parse, o.string("status")),
              o.string("message"));
      default ->
          throw new IOException(
              "type: "
                  + Printable.escape(String.valueOf(type))
                  + " (expected: release-started, step, deployed, removed, release-finished)");
    };
  }

  /**
   * One of a closed set's words; a word this updraft does not know is a line of a newer one, not a
   * torn write: it fails the read without letting the journal be cut there.
   */
  private static <T> T word(Function<String, T> parse, String word) throws UnknownWordException {
    try {
      return parse.apply(word);
    } catch (IllegalArgumentException e) {
      throw new UnknownWordException(Printable.escape(e.getMessage()));
    }
  }

  /** {@link #word}, or null for a field the line does not have (absent fields read as null). */
  private static <T> T optionalWord(Function<String, T> parse, String word)
      throws UnknownWordException {
    return word == null ? null : word(parse, word);
  }

  /** {@code value} opened if sealed; a value that cannot be opened refuses the whole line. */
  private static String open(Sealer sealer, String field, String value) throws SealedLineException {
    try {
      return sealer.open(field, value);
    } catch (SealedValueException e) {
      throw new SealedLineException(Printable.escape(e.getMessage()), e);
    }
  }

  private static ServiceState state(
      JsonObject o, int release, Sealer sealer, BiConsumer<String, String> plain)
      throws IOException {
    if (o == null) {
      return null;
    }
    String service = o.string("service");
    Map<String, String> attributes = new LinkedHashMap<>();
    Map<String, String> stored = o.stringMap("attributes");
    if (stored != null) {
      for (Map.Entry<String, String> attribute : stored.entrySet()) {
        String field = attributeField(release, service, attribute.getKey());
        plain.accept(field, attribute.getValue());
        attributes.put(attribute.getKey(), open(sealer, field, attribute.getValue()));
      }
    }
    return new ServiceState(
        service,
        optionalWord(ServiceKind::parse, o.string("kind")),
        o.string("version"),
        o.string("artifact"),
        o.objects("instances", i -> new ServiceState.Instance(i.string("id"), i.intValue("port"))),
        o.integer("servicePort"),
        attributes);
  }

  /** Whether {@code field} is a release's spec text, which a sealer may seal whatever it holds. */
  static boolean isSpecText(String field) {
    return field.endsWith(" specText");
  }

  private static String specField(int release) {
    return "journal release " + release + " specText";
  }

  private static String attributeField(int release, String service, String attribute) {
    return "journal release " + release + " " + service + " attribute " + attribute;
  }
}
