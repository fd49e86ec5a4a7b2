package dev.updraft.vmm.runtime;

/** Where the command line gets its {@link Hypervisor}: one factory method per implementation. */
public final class Hypervisors {
  private Hypervisors() {}

  /** The KVM hypervisor that {@code updraft vm} and {@code firecracker} run. */
  public static Hypervisor kvm() {
    return (resources, log) -> {
      throw new VmStartException("KVM hypervisor not available in this build");
    };
  }
}
