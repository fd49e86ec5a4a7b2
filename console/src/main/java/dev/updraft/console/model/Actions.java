package dev.updraft.console.model;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Actor;
import dev.updraft.deploy.json.Word;
import dev.updraft.deploy.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the console does to an environment: a rollback is {@code updraft deploy rollback} run by the
 * same {@link Engine}, so it takes the environment's lock, journals every step and emits the same
 * events; the journal records the console (and who asked) as what started it. One action per
 * environment runs at a time, on its own virtual thread; the last one's outcome is kept to show.
 */
public final class Actions {
  /** An action's state, with the engine's one-line message when it failed. */
  public record Outcome(String action, State state, String message) {
    public Outcome {
      if (state == null) {
        throw new IllegalArgumentException(
            "state: null (expected one of " + List.of(State.values()) + ")");
      }
    }
  }

  /** How an action stands, shown as its name in lower case. */
  public enum State implements Word {
    RUNNING,
    DONE,
    FAILED
  }

  private final Map<String, Outcome> last = new ConcurrentHashMap<>();

  /**
   * Starts a rollback of {@code environment} (to {@code release}, or the good one before the newest
   * when null). Returns false when an action of the environment is still running.
   */
  public synchronized boolean rollback(
      String environment, Source source, Integer release, String actor) {
    String what = release == null ? "rollback" : "rollback to release " + release;
    Outcome running = new Outcome(what, State.RUNNING, "");
    Outcome before = last.get(environment);
    if (before != null && before.state() == State.RUNNING) {
      return false;
    }
    last.put(environment, running);
    Thread.ofVirtual()
        .name("console-rollback-" + environment)
        .start(
            () -> {
              Redactor redactor = new Redactor();
              Engine engine = source.engine(redactor, System.getenv());
              try {
                ScopedValue.where(Actor.BY, actor).run(() -> engine.rollback(release));
                last.put(environment, new Outcome(what, State.DONE, ""));
              } catch (DeployException | SpecException e) {
                last.put(
                    environment,
                    new Outcome(
                        what, State.FAILED, redactor.redact(String.valueOf(e.getMessage()))));
              } catch (RuntimeException e) {
                last.put(
                    environment,
                    new Outcome(
                        what,
                        State.FAILED,
                        redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage())));
              }
            });
    return true;
  }

  /** The last action on {@code environment}, or null. */
  public Outcome last(String environment) {
    return last.get(environment);
  }
}
