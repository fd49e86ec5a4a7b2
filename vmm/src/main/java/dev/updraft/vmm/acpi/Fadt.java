package dev.updraft.vmm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * FADT ("FCVMFADT", revision 6.5): a hardware-reduced platform, so there are no PM timer, SCI or
 * PM1 blocks to describe, only the DSDT pointer, the flags and the IA-PC boot flags.
 */
final class Fadt {
  static final int SIZE = 276;
  static final int IAPC_BOOT_ARCH = 109;
  static final int FLAGS = 112;
  static final int MINOR_VERSION = 131;
  static final int X_DSDT = 140;
  static final int HYPERVISOR_VENDOR_ID = 268;

  static final int FLAG_PWR_BUTTON = 1 << 4;
  static final int FLAG_SLP_BUTTON = 1 << 5;
  static final int FLAG_HW_REDUCED_ACPI = 1 << 20;
  static final int IAPC_VGA_NOT_PRESENT = 1 << 2;

  private Fadt() {}

  static byte[] build(long dsdt) {
    ByteBuffer body = ByteBuffer.allocate(SIZE - Sdt.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    body.putShort(IAPC_BOOT_ARCH - Sdt.HEADER_SIZE, (short) IAPC_VGA_NOT_PRESENT);
    // The buttons are "not present as fixed features"; hardware-reduced means no legacy ACPI
    // hardware at all, which is what lets a guest ignore the PM blocks left at zero.
    body.putInt(FLAGS - Sdt.HEADER_SIZE, FLAG_HW_REDUCED_ACPI | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON);
    body.put(MINOR_VERSION - Sdt.HEADER_SIZE, (byte) 5);
    body.putLong(X_DSDT - Sdt.HEADER_SIZE, dsdt);
    body.put(HYPERVISOR_VENDOR_ID - Sdt.HEADER_SIZE, Sdt.ascii("FIRECKVM", 8));
    return Sdt.table("FACP", 6, "FCVMFADT", body.array());
  }
}
