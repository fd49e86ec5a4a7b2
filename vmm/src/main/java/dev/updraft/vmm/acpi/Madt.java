package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * MADT ("FCVMMADT", revision 6): the local APIC address, one IOAPIC (id 0, GSI base 0) and one
 * enabled local APIC per vCPU with processor uid = APIC id = vCPU index. No PCAT_COMPAT flag and no
 * interrupt source overrides, as on Firecracker: GSI n is IOAPIC pin n.
 */
final class Madt {
  static final int IOAPIC_SIZE = 12;
  static final int LAPIC_SIZE = 8;

  private Madt() {}

  static byte[] build(int vcpus) {
    if (vcpus < 1 || vcpus > Layout.MAX_VCPUS) {
      throw new IllegalArgumentException(
          "vcpus: " + vcpus + " (expected: 1.." + Layout.MAX_VCPUS + ")");
    }
    ByteBuffer body =
        ByteBuffer.allocate(8 + IOAPIC_SIZE + LAPIC_SIZE * vcpus).order(ByteOrder.LITTLE_ENDIAN);
    body.putInt((int) Layout.APIC_ADDR);
    body.putInt(0); // flags
    body.put((byte) 1).put((byte) IOAPIC_SIZE).put((byte) 0).put((byte) 0);
    body.putInt((int) Layout.IOAPIC_ADDR).putInt(0);
    for (int cpu = 0; cpu < vcpus; cpu++) {
      body.put((byte) 0).put((byte) LAPIC_SIZE).put((byte) cpu).put((byte) cpu).putInt(1);
    }
    return Sdt.table("APIC", 6, "FCVMMADT", body.array());
  }
}
