package dev.updraft.vmm.vcpu;

/** Why a vCPU thread ended. The VM turns the first of these into its exit. */
public sealed interface VcpuStop {
  /** The VMM asked it to (shutdown, API stop). */
  record Requested() implements VcpuStop {}

  /** The guest asked for a reset or power-off (i8042 0xFE, KVM system event, triple fault). */
  record GuestEnded(String how) implements VcpuStop {}

  /** Something the guest or KVM did that the VMM cannot continue from. */
  record Failed(String message) implements VcpuStop {}
}
