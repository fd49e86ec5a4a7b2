package dev.updraft.vmm.runtime;

import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Hypervisor} for tests: records what it was asked to start and hands out {@link FakeVm}s,
 * or fails once with a chosen message.
 */
public final class FakeHypervisor implements Hypervisor {
  private final List<VmResources> started = new CopyOnWriteArrayList<>();
  private final List<SnapshotLoad> loads = new CopyOnWriteArrayList<>();
  private volatile String failure;
  private volatile FakeVm vm;

  @Override
  public RunningVm start(VmResources resources, VmLogger log) {
    String message = failure;
    if (message != null) {
      failure = null;
      throw new VmStartException(message);
    }
    started.add(resources);
    log.info("fake hypervisor started a VM with " + resources.machine().vcpuCount() + " vCPUs");
    FakeVm created = new FakeVm(resources);
    vm = created;
    return created;
  }

  /**
   * Loads into a {@link FakeVm} with the current resources, or fails once with the message {@link
   * #failNextStart} set (as a {@link VmSnapshotException}).
   */
  @Override
  public RestoredVm restore(SnapshotLoad request, VmResources current, VmLogger log) {
    String message = failure;
    if (message != null) {
      failure = null;
      throw new VmSnapshotException(message);
    }
    loads.add(request);
    FakeVm created = new FakeVm(current);
    vm = created;
    return new RestoredVm(created, current);
  }

  /** The requests of every successful load, in order. */
  public List<SnapshotLoad> loads() {
    return List.copyOf(loads);
  }

  /** Makes the next {@link #start} throw a {@link VmStartException} with {@code message}. */
  public void failNextStart(String message) {
    failure = message;
  }

  /** The resources of every successful start, in order. */
  public List<VmResources> started() {
    return List.copyOf(started);
  }

  /** The VM of the last successful start, or null. */
  public FakeVm vm() {
    return vm;
  }
}
