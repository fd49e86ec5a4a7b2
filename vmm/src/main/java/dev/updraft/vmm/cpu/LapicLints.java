package dev.updraft.vmm.cpu;

/**
 * Sets the LAPIC's LINT0 to ExtINT (the PIC's output) and LINT1 to NMI, as a PC's BIOS does and
 * Firecracker's interrupts.rs copies; Linux relies on it for the legacy timer path and NMIs.
 */
public final class LapicLints {
  static final int LVT_LINT0 = 0x350;
  static final int LVT_LINT1 = 0x360;
  private static final int DELIVERY_MODE_MASK = 0x700;
  private static final int MODE_EXTINT = 0x7 << 8;
  private static final int MODE_NMI = 0x4 << 8;

  private LapicLints() {}

  /** Returns a copy of the 1 KiB LAPIC register page with the two LVT entries set. */
  public static byte[] apply(byte[] registers) {
    if (registers.length != 1024) {
      throw new IllegalArgumentException(
          "registers: " + registers.length + " bytes (expected: 1024)");
    }
    byte[] out = registers.clone();
    set(out, LVT_LINT0, MODE_EXTINT);
    set(out, LVT_LINT1, MODE_NMI);
    return out;
  }

  static int get(byte[] r, int offset) {
    return (r[offset] & 0xFF)
        | (r[offset + 1] & 0xFF) << 8
        | (r[offset + 2] & 0xFF) << 16
        | (r[offset + 3] & 0xFF) << 24;
  }

  private static void set(byte[] r, int offset, int mode) {
    int value = (get(r, offset) & ~DELIVERY_MODE_MASK) | mode;
    r[offset] = (byte) value;
    r[offset + 1] = (byte) (value >>> 8);
    r[offset + 2] = (byte) (value >>> 16);
    r[offset + 3] = (byte) (value >>> 24);
  }
}
