package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * MCFG ("FCMVMCFG"): the PCIe ECAM window. Firecracker emits it even with PCI off, so a guest that
 * probes PCI finds segment 0 with nothing on bus 0 rather than a missing table.
 */
final class Mcfg {
  private Mcfg() {}

  static byte[] build() {
    ByteBuffer body = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
    body.putLong(0); // reserved
    body.putLong(Layout.PCI_MMCONFIG_START);
    body.putShort((short) 0); // segment
    body.put((byte) 0); // start bus
    long buses = Layout.PCI_MMIO_CONFIG_SIZE_PER_SEGMENT >> 20;
    body.put((byte) (buses - 1)); // end bus
    body.putInt(0);
    return Sdt.table("MCFG", 1, "FCMVMCFG", body.array());
  }
}
