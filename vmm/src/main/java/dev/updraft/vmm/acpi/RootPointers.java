package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.FirmwareChecksum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The RSDP (ACPI 2.0, at 0xE0000) and the XSDT it points to, the guest's way into the tables. */
final class RootPointers {
  static final int RSDP_SIZE = 36;

  private RootPointers() {}

  /** RSDP revision 2 pointing at the XSDT only (no 32-bit RSDT). */
  static byte[] rsdp(long xsdt) {
    ByteBuffer rsdp = ByteBuffer.allocate(RSDP_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    rsdp.put(Sdt.ascii("RSD PTR ", 8));
    rsdp.put((byte) 0);
    rsdp.put(Sdt.ascii(Sdt.OEM_ID, 6));
    rsdp.put((byte) 2);
    rsdp.putInt(0);
    rsdp.putInt(RSDP_SIZE);
    rsdp.putLong(xsdt);
    byte[] bytes = rsdp.array();
    // ACPI 1.0 readers check the first 20 bytes; 2.0 readers check all 36 as well.
    bytes[8] = FirmwareChecksum.of(bytes, 0, 20);
    bytes[32] = FirmwareChecksum.of(bytes, 0, RSDP_SIZE);
    return bytes;
  }

  /** XSDT ("FCMVXSDT") listing {@code tables} by 64-bit address. */
  static byte[] xsdt(long... tables) {
    ByteBuffer entries = ByteBuffer.allocate(tables.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long table : tables) {
      entries.putLong(table);
    }
    return Sdt.table("XSDT", 1, "FCMVXSDT", entries.array());
  }
}
