package dev.updraft.vmm.core;

import dev.updraft.vmm.runtime.Hypervisor;

/** Where the command line gets its {@link Hypervisor}: one factory method per implementation. */
public final class Hypervisors {
  private Hypervisors() {}

  /** The KVM hypervisor that {@code updraft vm} and {@code firecracker} run. */
  public static Hypervisor kvm() {
    return new KvmHypervisor();
  }
}
