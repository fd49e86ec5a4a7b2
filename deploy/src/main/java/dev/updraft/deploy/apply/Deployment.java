package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.EnvironmentSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One release in progress, as targets see it: the services as they run right now (updated as steps
 * finish and journaled as they are), events, and the {@link ServiceEnvironment} that resolves a
 * service's variables against them.
 */
public final class Deployment {
  private final EnvironmentSpec spec;
  private final Journal journal;
  private final int release;
  private final EventSink sink;
  private final Redactor redactor;
  private final ServiceEnvironment environment;
  private final long start = System.nanoTime();
  private final Map<String, ServiceState> states;

  Deployment(
      EnvironmentSpec spec,
      Journal journal,
      int release,
      EventSink sink,
      Redactor redactor,
      Secrets secrets,
      Map<String, ServiceState> current) {
    this.spec = spec;
    this.journal = journal;
    this.release = release;
    this.sink = sink;
    this.redactor = redactor;
    this.states = new ConcurrentHashMap<>(current);
    this.environment = new ServiceEnvironment(secrets, states::get);
  }

  public EnvironmentSpec spec() {
    return spec;
  }

  /** Knows every secret value; a target registers the ones it creates (database passwords). */
  public Redactor redactor() {
    return redactor;
  }

  /** The release's number in the journal. */
  public int release() {
    return release;
  }

  public long elapsedMillis() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** The service as deployed now, or null. */
  public ServiceState state(String service) {
    return states.get(service);
  }

  public Map<String, ServiceState> states() {
    return Map.copyOf(states);
  }

  /**
   * Reports a step's state and journals it; progress too (an instance started, became healthy, was
   * retired: a few lines per instance), so a release's timeline shows what it waited for.
   */
  public void step(String service, String step, StepOutcome outcome, String message) {
    sink.emit(new Event.StepEvent(elapsedMillis(), service, step, outcome, message));
    journal.append(new Entry.Step(release, service, step, outcome, redactor.redact(message)));
  }

  /** Reports what a target observed (pods, restarts, warnings). */
  public void emit(Event event) {
    sink.emit(event);
  }

  void stage(Event.Stage.Name stage, String message) {
    sink.emit(new Event.Stage(elapsedMillis(), stage, message));
  }

  /** Records what now runs for a service, in memory and in the journal. */
  public void deployed(ServiceState state) {
    states.put(state.service(), state);
    journal.append(new Entry.Deployed(release, state));
  }

  void removed(String service) {
    states.remove(service);
    journal.append(new Entry.Removed(release, service));
  }

  /** Updates what runs for a service in memory only, while its step is not done. */
  public void track(ServiceState state) {
    states.put(state.service(), state);
  }

  /** The variables of the release's services, resolved against what is deployed as it goes. */
  public ServiceEnvironment environment() {
    return environment;
  }
}
