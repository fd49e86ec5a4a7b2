package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.Fingerprint;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Compares the spec with what runs and orders the changes by dependency. */
public final class Planner {
  private Planner() {}

  /**
   * The last good release, to explain changes: its spec (null when there is none, or it no longer
   * parses), its versions and what they were made of.
   */
  public record Before(
      EnvironmentSpec spec, Map<String, String> versions, Map<String, Fingerprint> fingerprints) {
    public static final Before NONE = new Before(null, Map.of(), Map.of());

    public Before {
      versions = versions == null ? Map.of() : versions;
      fingerprints = fingerprints == null ? Map.of() : fingerprints;
    }
  }

  /**
   * @param versions the spec's service versions
   * @param current services as deployed (from the journal)
   * @param previous the spec of the last good release, to explain changes (may be null)
   * @param live instance ids the runtime runs now
   */
  public static Plan plan(
      EnvironmentSpec spec,
      Map<String, String> versions,
      Map<String, ServiceState> current,
      EnvironmentSpec previous,
      Set<String> live) {
    return plan(
        spec,
        new Versions.Computed(versions, Map.of()),
        current,
        new Before(previous, Map.of(), Map.of()),
        live);
  }

  /**
   * @param now the spec's service versions and what they are made of
   * @param current services as deployed (from the journal)
   * @param before the last good release, to explain changes
   * @param live instance ids the runtime runs now
   */
  public static Plan plan(
      EnvironmentSpec spec,
      Versions.Computed now,
      Map<String, ServiceState> current,
      Before before,
      Set<String> live) {
    Map<String, String> versions = now.versions();
    EnvironmentSpec previous = before.spec();
    List<Plan.Change> changes = new ArrayList<>();
    for (String name : order(spec)) {
      Service service = spec.service(name);
      ServiceState state = current.get(name);
      String version = versions.get(name);
      if (state == null) {
        changes.add(
            new Plan.Change(
                name, service.kind(), Plan.Action.CREATE, null, version, "new " + service.kind()));
        continue;
      }
      if (!state.version().equals(version)) {
        Plan.Action action =
            service instanceof Service.Router ? Plan.Action.UPDATE : Plan.Action.REPLACE;
        changes.add(
            new Plan.Change(
                name,
                service.kind(),
                action,
                state.version(),
                version,
                state.rolloutFailed()
                    ? "its last rollout failed"
                    : reason(
                        service,
                        previous == null ? null : previous.service(name),
                        now.fingerprints().get(name),
                        state.version().equals(before.versions().get(name))
                            ? before.fingerprints().get(name)
                            : null)));
        continue;
      }
      long down = state.instances().stream().filter(i -> !live.contains(i.id())).count();
      if (down > 0) {
        changes.add(
            new Plan.Change(
                name,
                service.kind(),
                Plan.Action.REPAIR,
                version,
                version,
                down + " of " + state.instances().size() + " instances not running"));
        continue;
      }
      changes.add(
          new Plan.Change(
              name, service.kind(), Plan.Action.UNCHANGED, version, version, "unchanged"));
    }
    for (ServiceState state : current.values()) {
      if (spec.service(state.service()) == null) {
        changes.add(
            new Plan.Change(
                state.service(),
                state.kind(),
                Plan.Action.DELETE,
                state.version(),
                null,
                "no longer in the spec"));
      }
    }
    return new Plan(spec.environment(), changes);
  }

  /** Service names with every service after those it depends on (spec order otherwise). */
  public static List<String> order(EnvironmentSpec spec) {
    Set<String> done = new LinkedHashSet<>();
    for (String name : spec.services().keySet()) {
      visit(spec, name, done);
    }
    return List.copyOf(done);
  }

  private static void visit(EnvironmentSpec spec, String name, Set<String> done) {
    if (done.contains(name)) {
      return;
    }
    for (String dep : Dependencies.of(spec, spec.service(name))) {
      visit(spec, dep, done);
    }
    done.add(name);
  }

  /**
   * Why a service's version changed: the fields of its definition that did, else which of its
   * secret values and source files did (known from the fingerprints of both versions).
   */
  private static String reason(
      Service now, Service before, Fingerprint printNow, Fingerprint printBefore) {
    if (before == null) {
      return "version changed";
    }
    if (now.equals(before)) {
      boolean sources = now.source().isPresent();
      if (printNow != null && printBefore != null) {
        List<String> parts = new ArrayList<>();
        if (!printNow.secrets().equals(printBefore.secrets())) {
          parts.add("secret values changed");
        }
        if (!printNow.source().equals(printBefore.source())) {
          parts.add("source files changed");
        }
        if (!parts.isEmpty()) {
          return String.join(", ", parts);
        }
      }
      boolean secrets = printNow != null && !printNow.secrets().isEmpty();
      // A release recorded before fingerprints: which part changed is not known.
      return sources && secrets
          ? "source files or secret values changed"
          : sources ? "source files changed" : "secret values changed";
    }
    List<String> fields = new ArrayList<>();
    for (RecordComponent component : now.getClass().getRecordComponents()) {
      try {
        Object a = component.getAccessor().invoke(now);
        Object b = component.getAccessor().invoke(before);
        if (!Objects.equals(a, b)) {
          fields.add(component.getName());
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return "changed: " + String.join(", ", fields);
  }
}
