package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One release in progress, as targets see it: the services as they run right now (updated as steps
 * finish and journaled as they are), events, and the environment of a service with its references
 * resolved against what is deployed.
 */
public final class Deployment {
  private final EnvironmentSpec spec;
  private final Journal journal;
  private final int release;
  private final EventSink sink;
  private final Redactor redactor;
  private final Secrets secrets;
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
    this.secrets = secrets;
    this.states = new ConcurrentHashMap<>(current);
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
  public void step(String service, String step, Event.Outcome outcome, String message) {
    sink.emit(new Event.StepEvent(elapsedMillis(), service, step, outcome, message));
    journal.append(
        new Entry.Step(
            release, service, step, outcome.name().toLowerCase(), redactor.redact(message)));
  }

  /** Reports what a target observed (pods, restarts, warnings). */
  public void emit(Event event) {
    sink.emit(event);
  }

  void stage(String stage, String message) {
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

  /** The service's plain variables, with every {@code ${service.attribute}} resolved. */
  public Map<String, String> env(Service service) {
    Map<String, String> env = new LinkedHashMap<>();
    Dependencies.env(service)
        .forEach(
            (name, value) ->
                env.put(name, Reference.substitute(value, ref -> attribute(service.name(), ref))));
    return env;
  }

  /** The service's secret variables, resolved (and registered with the redactor). */
  public Map<String, String> secretEnv(Service service) {
    return secrets.valuesOf(service);
  }

  /** The value of {@code ${service.attribute}} as deployed now. */
  public String attribute(String referrer, Reference ref) {
    ServiceState state = states.get(ref.service());
    String value = state == null ? null : state.attributes().get(ref.attribute());
    if (value == null) {
      throw new DeployException(
          "REFERENCE",
          referrer + ": " + ref.text() + " has no value (" + ref.service() + " is not deployed)",
          "deploy " + ref.service() + " first, or add it to dependsOn",
          null);
    }
    return value;
  }
}
