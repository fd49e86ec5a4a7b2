package dev.updraft.console.vm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A microVM as its API reports it: its id, state, vCPUs and memory; or, when the socket does not
 * answer, why ({@code error}).
 *
 * @param bootTime what the boot-timer device logged, or null
 * @param devices each device's counters that are not 0, as of the last metrics flush
 * @param host the management socket of the {@code updraft vm serve} process that hosts the VM, or
 *     null for a VM added by its own API socket
 */
public record VmView(
    Path socket,
    String id,
    VmState state,
    int vcpus,
    int memoryMib,
    String vmm,
    String error,
    Duration bootTime,
    Map<String, Map<String, Long>> devices,
    Path host) {
  public VmView {
    devices = devices == null ? Map.of() : Map.copyOf(devices);
    if (state == null) {
      throw new IllegalArgumentException("state: null (expected: a VmState)");
    }
    if (socket == null) {
      throw new IllegalArgumentException("socket: null (expected: a path)");
    }
  }

  static VmView unreachable(Path socket, String why) {
    return new VmView(socket, "", VmState.UNREACHABLE, 0, 0, "", why, null, Map.of(), null);
  }

  /** The same view, marked as hosted by the serve process behind {@code management}. */
  VmView hostedBy(Path management) {
    return new VmView(
        socket, id, state, vcpus, memoryMib, vmm, error, bootTime, devices, management);
  }

  public boolean running() {
    return state == VmState.RUNNING;
  }

  public boolean paused() {
    return state == VmState.PAUSED;
  }
}
