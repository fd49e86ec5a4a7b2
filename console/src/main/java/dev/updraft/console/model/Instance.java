package dev.updraft.console.model;

import dev.updraft.deploy.local.ProcessState;

/**
 * One instance of a service as the supervisor reports it.
 *
 * @param state what its process does, as the supervisor says (or not running when it has none)
 * @param uptimeMillis how long its current run has lasted; -1 when the supervisor does not say
 * @param ended how its last run ended, or null
 */
public record Instance(
    String id,
    ProcessState state,
    long pid,
    int port,
    int restarts,
    long uptimeMillis,
    String ended,
    String log) {
  public Instance {
    if (state == null) {
      throw new IllegalArgumentException("state: null (expected: a process state)");
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: an instance id)");
    }
  }

  public boolean healthy() {
    return state.phase() == ProcessState.Phase.RUNNING;
  }
}
