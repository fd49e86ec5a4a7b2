package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.FirmwareChecksum;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.SystemMemory;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes an Intel MP table (MP spec 1.4) for guests without ACPI, as Firecracker's {@code
 * mptable.rs}: one processor entry per vCPU, an ISA bus, the IOAPIC (id = vCPUs + 1), one interrupt
 * entry per IOAPIC pin and the LINT0 ExtINT / LINT1 NMI entries. It is the first thing in system
 * memory, at 0x9FC00, where Linux scans the last KiB of base memory for "_MP_".
 */
public final class MpTable {
  private static final int MPF_SIZE = 16;
  private static final int HEADER_SIZE = 44;
  private static final int CPU_SIZE = 20;
  private static final int ENTRY_SIZE = 8;
  private static final int IRQS = Layout.GSI_LEGACY_END + 1;
  private static final int APIC_VERSION = 0x14;
  private static final int CPU_STEPPING = 0x600;
  private static final int CPU_FEATURES = 0x201; // APIC | FPU
  private static final int MP_INT = 0;
  private static final int MP_NMI = 1;
  private static final int MP_EXTINT = 3;

  private MpTable() {}

  /** Bytes the table takes for {@code vcpus} processors. */
  static int size(int vcpus) {
    return MPF_SIZE + HEADER_SIZE + CPU_SIZE * vcpus + ENTRY_SIZE * (2 + IRQS + 2);
  }

  /** Writes the table for {@code vcpus} processors and returns its floating pointer's address. */
  public static long write(GuestMemory memory, SystemMemory system, int vcpus) {
    if (vcpus < 1 || vcpus > Layout.MAX_VCPUS) {
      throw new IllegalArgumentException(
          "vcpus: " + vcpus + " (expected: 1.." + Layout.MAX_VCPUS + ")");
    }
    int size = size(vcpus);
    long address = system.allocate(size);
    ByteBuffer table = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    int ioapicId = vcpus + 1;

    table.put("_MP_".getBytes(StandardCharsets.US_ASCII));
    table.putInt((int) (address + MPF_SIZE));
    table.put((byte) 1); // length in 16-byte units
    table.put((byte) 4); // spec revision 1.4
    table.position(MPF_SIZE);

    table.put("PCMP".getBytes(StandardCharsets.US_ASCII));
    table.putShort((short) (size - MPF_SIZE));
    table.put((byte) 4);
    table.put((byte) 0); // checksum, below
    table.put("FC      ".getBytes(StandardCharsets.US_ASCII));
    table.put("000000000000".getBytes(StandardCharsets.US_ASCII));
    table.putInt(0); // no OEM table
    table.putShort((short) 0);
    // The spec counts the entries after this header; Firecracker also counts the floating
    // pointer, which no reader relies on, so we count as the spec says.
    table.putShort((short) (vcpus + 2 + IRQS + 2));
    table.putInt((int) Layout.APIC_ADDR);
    table.putInt(0);

    for (int cpu = 0; cpu < vcpus; cpu++) {
      table.put((byte) 0).put((byte) cpu).put((byte) APIC_VERSION);
      table.put((byte) (cpu == 0 ? 0x3 : 0x1)); // enabled, and BSP for CPU 0
      table.putInt(CPU_STEPPING).putInt(CPU_FEATURES).putLong(0);
    }
    table.put((byte) 1).put((byte) 0).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
    table.put((byte) 2).put((byte) ioapicId).put((byte) APIC_VERSION).put((byte) 1);
    table.putInt((int) Layout.IOAPIC_ADDR);
    // Identity routing of bus IRQ i to IOAPIC pin i, as KVM's default routing has it.
    for (int irq = 0; irq < IRQS; irq++) {
      table.put((byte) 3).put((byte) MP_INT).putShort((short) 0);
      table.put((byte) 0).put((byte) irq).put((byte) ioapicId).put((byte) irq);
    }
    table.put((byte) 4).put((byte) MP_EXTINT).putShort((short) 0);
    table.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    table.put((byte) 4).put((byte) MP_NMI).putShort((short) 0);
    table.put((byte) 0).put((byte) 0).put((byte) 0xFF).put((byte) 1);

    byte[] bytes = table.array();
    bytes[10] = FirmwareChecksum.of(bytes, 0, MPF_SIZE);
    bytes[MPF_SIZE + 7] = FirmwareChecksum.of(bytes, MPF_SIZE, size - MPF_SIZE);
    memory.write(address, bytes, 0, size);
    return address;
  }
}
