package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Plan;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.spec.Problem;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecWarning;
import dev.updraft.deploy.state.SealedValueException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deploy commands' machine output (docs/deploy/engine.md, "Machine output"): one JSON document
 * per command, or one JSON object per line for the commands that stream events; an error is {@code
 * {"error":{"code":...,"message":...,"hint":...}}}. Field names are snake_case. Written with the
 * engine's own JSON (jackson-core), not data binding, which costs a short run its start-up.
 */
final class JsonOutput {
  private JsonOutput() {}

  static String plan(Plan plan, List<SpecWarning> warnings) {
    long changes = plan.changes().stream().filter(c -> c.action() != Plan.Action.UNCHANGED).count();
    return Json.write(
        Json.object(
            "environment", plan.environment(),
            "changes", Json.list(plan.changes(), JsonOutput::change),
            "change_count", changes,
            "warnings", warnings(warnings)));
  }

  private static Object change(Plan.Change c) {
    return Json.object(
        "service", c.service(),
        "kind", c.kind(),
        "action", c.action().name().toLowerCase(Locale.ROOT),
        "from_version", c.fromVersion(),
        "to_version", c.toVersion(),
        "reason", c.reason());
  }

  static List<Object> warnings(List<SpecWarning> warnings) {
    return Json.list(
        warnings,
        w ->
            Json.object(
                "field", w.field(),
                "reason", w.reason(),
                "message", w.message(),
                "hint", w.hint()));
  }

  static String history(String environment, History history, Redactor redactor) {
    return Json.write(
        Json.object(
            "environment",
            environment,
            "releases",
            Json.list(
                history.releases(),
                r ->
                    Json.object(
                        "release", r.number(),
                        "time", r.time(),
                        "kind", r.kind().word(),
                        "status", r.status().word(),
                        "message", redactor.redact(r.message())))));
  }

  /** The last line of a streamed run that ends without an event of its own (destroy). */
  static String finished(String message) {
    return Json.write(Json.object("event", "finished", "success", true, "message", message));
  }

  /**
   * {@code e} as an error document: a {@link DeployException}'s tag, message, hint and log tail; a
   * spec's problems each with its position; anything else as {@code INTERNAL}.
   */
  static String error(RuntimeException e, Redactor redactor) {
    Map<String, Object> error =
        switch (e) {
          case DeployException d -> {
            Map<String, Object> fields =
                Json.object(
                    "code", d.tag(),
                    "message", redactor.redact(d.getMessage()),
                    "hint", redactor.redact(d.hint()));
            if (d.logTail() != null && !d.logTail().isBlank()) {
              fields.put(
                  "log_tail", redactor.redact(d.logTail()).lines().map(l -> (Object) l).toList());
            }
            yield fields;
          }
          case SpecException s ->
              Json.object(
                  "code",
                  "SPEC_INVALID",
                  "message",
                  s.getMessage().lines().findFirst().orElse(""),
                  "hint",
                  "fix each problem at its line and column in the spec",
                  "problems",
                  Json.list(s.problems(), JsonOutput::problem));
          case SealedValueException s ->
              Json.object(
                  "code",
                  "SEALED_VALUE",
                  "message",
                  s.getMessage(),
                  "hint",
                  DeployOptions.SEALED_HINT);
          default ->
              Json.object(
                  "code", "INTERNAL",
                  "message", redactor.redact(String.valueOf(e.getMessage())),
                  "hint", "run again with --debug, without --json, for the stack trace");
        };
    return Json.write(Json.object("error", error));
  }

  private static Object problem(Problem p) {
    return Json.object(
        "file", p.file(),
        "line", p.line(),
        "column", p.column(),
        "path", p.path(),
        "value", p.value(),
        "expected", p.expected());
  }
}
