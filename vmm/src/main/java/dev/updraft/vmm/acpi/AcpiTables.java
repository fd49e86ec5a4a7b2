package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.SystemMemory;
import dev.updraft.vmm.memory.GuestMemory;
import java.util.List;

/**
 * Writes the guest's ACPI tables in Firecracker's build order (DSDT, FADT, MADT, MCFG, XSDT)
 * first-fit into system memory, then the RSDP at its fixed 0xE0000, where both the zero page and
 * the PVH start info point and where a scanning kernel looks.
 */
public final class AcpiTables {
  private AcpiTables() {}

  /**
   * Builds and writes the tables for {@code vcpus} vCPUs and the given virtio-mmio devices.
   *
   * @return where each table went
   */
  public static AcpiTableAddresses write(
      GuestMemory memory, SystemMemory system, int vcpus, List<DeviceSlot> virtioDevices) {
    long dsdt = place(memory, system, Dsdt.build(virtioDevices));
    long fadt = place(memory, system, Fadt.build(dsdt));
    long madt = place(memory, system, Madt.build(vcpus));
    long mcfg = place(memory, system, Mcfg.build());
    long xsdt = place(memory, system, RootPointers.xsdt(fadt, madt, mcfg));
    byte[] rsdp = RootPointers.rsdp(xsdt);
    memory.write(Layout.RSDP_ADDR, rsdp, 0, rsdp.length);
    return new AcpiTableAddresses(Layout.RSDP_ADDR, xsdt, dsdt, fadt, madt, mcfg);
  }

  private static long place(GuestMemory memory, SystemMemory system, byte[] table) {
    long address = system.allocate(table.length);
    memory.write(address, table, 0, table.length);
    return address;
  }
}
