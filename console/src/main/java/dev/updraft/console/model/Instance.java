package dev.updraft.console.model;

/**
 * One instance of a service as the supervisor reports it.
 *
 * @param state {@code running}, {@code restarting}, {@code not running} ...
 * @param uptimeMillis how long its current run has lasted; -1 when the supervisor does not say
 * @param ended how its last run ended, or null
 */
public record Instance(
    String id,
    String state,
    long pid,
    int port,
    int restarts,
    long uptimeMillis,
    String ended,
    String log) {
  public Instance {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: an instance id)");
    }
  }

  public boolean healthy() {
    return state.equals("running");
  }
}
