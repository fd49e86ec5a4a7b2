package dev.updraft.vmm.devices;

/**
 * Raises a device's interrupt line. Under KVM this writes the line's irqfd; in tests it counts,
 * which is why devices depend on this interface and not on eventfds (vm-superio's Trigger).
 */
@FunctionalInterface
public interface InterruptTrigger {
  void trigger();
}
