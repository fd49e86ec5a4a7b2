package dev.updraft.console.model;

/** One line of a release's plan diff: a service added, changed or removed, with its versions. */
public record Change(String service, Kind kind, String from, String to) {
  /** How a service changed between two releases. */
  public enum Kind {
    ADDED,
    CHANGED,
    REMOVED
  }

  public Change {
    if (service == null || kind == null) {
      throw new IllegalArgumentException("change: " + service + " " + kind + " (expected: set)");
    }
  }
}
