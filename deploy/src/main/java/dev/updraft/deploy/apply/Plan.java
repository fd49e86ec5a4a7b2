package dev.updraft.deploy.apply;

import dev.updraft.deploy.spec.ServiceKind;
import java.util.List;
import java.util.Locale;

/**
 * What an apply will do, service by service, in dependency order: the diff between the spec and
 * what runs. An unchanged spec plans to nothing.
 *
 * @param environment the environment
 * @param changes one per service of the spec or the current state, dependencies first
 */
public record Plan(String environment, List<Change> changes) {
  /** What happens to a service. */
  public enum Action {
    CREATE,
    REPLACE,
    REPAIR,
    UPDATE,
    DELETE,
    UNCHANGED
  }

  /** One service's change and why. */
  public record Change(
      String service,
      ServiceKind kind,
      Action action,
      String fromVersion,
      String toVersion,
      String reason) {}

  public boolean isEmpty() {
    return changes.stream().allMatch(c -> c.action() == Action.UNCHANGED);
  }

  /** The readable diff: {@code +} create, {@code ~} replace or update, {@code -} delete. */
  public String render() {
    if (isEmpty()) {
      return "No changes: " + environment + " matches the spec.";
    }
    StringBuilder out = new StringBuilder("Plan for " + environment + ":\n");
    for (Change c : changes) {
      String mark =
          switch (c.action()) {
            case CREATE -> "+";
            case DELETE -> "-";
            case UNCHANGED -> "=";
            default -> "~";
          };
      out.append(
          String.format(
              Locale.ROOT,
              "  %s %-14s %-12s %-9s %s%n",
              mark,
              c.service(),
              c.kind(),
              c.action().name().toLowerCase(Locale.ROOT),
              c.reason()));
    }
    long n = changes.stream().filter(c -> c.action() != Action.UNCHANGED).count();
    out.append(n).append(n == 1 ? " change." : " changes.");
    return out.toString();
  }
}
