package dev.updraft.vmm.runtime;

import dev.updraft.vmm.config.VmResources;
import java.util.Objects;

/**
 * What {@link Hypervisor#restore} made: the VM, paused or (with {@code resume_vm}) running, and the
 * configuration it was built from, which {@code GET /vm/config} shows from then on.
 */
public record RestoredVm(RunningVm vm, VmResources resources) {
  public RestoredVm {
    Objects.requireNonNull(vm, "vm");
    Objects.requireNonNull(resources, "resources");
  }
}
