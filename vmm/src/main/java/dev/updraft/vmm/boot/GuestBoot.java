package dev.updraft.vmm.boot;

import dev.updraft.vmm.acpi.AcpiTables;
import dev.updraft.vmm.arch.E820Entry;
import dev.updraft.vmm.arch.MemoryMap;
import dev.updraft.vmm.arch.SystemMemory;
import dev.updraft.vmm.memory.GuestMemory;
import java.util.List;

/**
 * Writes every boot structure into guest memory, in the order of Firecracker's {@code
 * configure_system_for_boot}: command line, MP table, zero page or PVH start info, ACPI tables,
 * then the GDT, IDT and page tables of the boot CPU. The kernel and initrd are already loaded
 * (KernelLoader, InitrdLoader); what is left for the caller is to put the returned state into every
 * vCPU.
 */
public final class GuestBoot {
  private GuestBoot() {}

  /** Describes the machine of {@code plan} to the guest and returns the boot CPU state. */
  public static BootCpuState configure(GuestMemory memory, BootPlan plan) {
    List<E820Entry> map = MemoryMap.of(memory.regions());
    SystemMemory system = new SystemMemory();
    plan.cmdline().writeTo(memory);
    MpTable.write(memory, system, plan.vcpus());
    LoadedKernel kernel = plan.kernel();
    switch (kernel.protocol()) {
      case LINUX_64 -> {
        if (plan.initrd().isEmpty()) {
          ZeroPage.write(memory, kernel, plan.cmdline(), map);
        } else {
          ZeroPage.write(memory, kernel, plan.cmdline(), map, plan.initrd().getFirst());
        }
      }
      case PVH -> {
        if (plan.initrd().isEmpty()) {
          PvhStartInfo.write(memory, map);
        } else {
          PvhStartInfo.write(memory, map, plan.initrd().getFirst());
        }
      }
    }
    AcpiTables.write(memory, system, plan.vcpus(), plan.virtioDevices());
    BootTables.write(memory, kernel.protocol());
    return BootCpuState.of(kernel);
  }
}
