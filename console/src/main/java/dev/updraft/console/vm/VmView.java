package dev.updraft.console.vm;

import java.nio.file.Path;

/**
 * A microVM as its API reports it: its id and state ({@code Not started}, {@code Running}, {@code
 * Paused}), vCPUs and memory; or, when the socket does not answer, why ({@code error}).
 */
public record VmView(
    Path socket, String id, String state, int vcpus, int memoryMib, String vmm, String error) {
  public VmView {
    if (socket == null) {
      throw new IllegalArgumentException("socket: null (expected: a path)");
    }
  }

  static VmView unreachable(Path socket, String why) {
    return new VmView(socket, "", "unreachable", 0, 0, "", why);
  }

  public boolean running() {
    return state.equals("Running");
  }

  public boolean paused() {
    return state.equals("Paused");
  }
}
