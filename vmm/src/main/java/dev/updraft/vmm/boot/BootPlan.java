package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link GuestBoot#configure} needs to describe the machine to the guest.
 *
 * @param kernel the loaded kernel
 * @param cmdline the final command line, device entries included
 * @param initrd the initrd, or none: a list so that no field is ever null
 * @param vcpus vCPU count (MP table, MADT)
 * @param virtioDevices the virtio-mmio devices, in attach order (DSDT)
 */
public record BootPlan(
    LoadedKernel kernel,
    KernelCmdline cmdline,
    List<Initrd> initrd,
    int vcpus,
    List<DeviceSlot> virtioDevices) {
  public BootPlan {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(cmdline, "cmdline");
    initrd = List.copyOf(initrd);
    virtioDevices = List.copyOf(virtioDevices);
    if (initrd.size() > 1) {
      throw new IllegalArgumentException(
          "initrd: " + initrd.size() + " images (expected: at most one)");
    }
    if (vcpus < 1 || vcpus > Layout.MAX_VCPUS) {
      throw new IllegalArgumentException(
          "vcpus: " + vcpus + " (expected: 1.." + Layout.MAX_VCPUS + ")");
    }
  }

  /** A plan without an initrd. */
  public static BootPlan of(
      LoadedKernel kernel, KernelCmdline cmdline, int vcpus, List<DeviceSlot> virtioDevices) {
    return new BootPlan(kernel, cmdline, List.of(), vcpus, virtioDevices);
  }

  /** This plan with {@code image} as its initrd. */
  public BootPlan withInitrd(Initrd image) {
    return new BootPlan(kernel, cmdline, List.of(image), vcpus, virtioDevices);
  }
}
