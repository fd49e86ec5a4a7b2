package dev.updraft.vmm.acpi;

/**
 * Resource descriptors for {@link Aml#resourceTemplate} (ACPI 6.5 §6.4): the three a microVM's
 * devices need, encoded as ASL's Memory32Fixed, IO and the extended Interrupt macro emit them.
 */
public final class AmlResource {
  private static final int IO_DESCRIPTOR = 0x47;
  private static final int MEMORY32_FIXED = 0x86;
  private static final int EXTENDED_INTERRUPT = 0x89;

  private AmlResource() {}

  /** {@code Memory32Fixed(ReadWrite|ReadOnly, base, length)}. */
  public static byte[] memory32Fixed(boolean readWrite, long base, long length) {
    check("base", base, 0xFFFF_FFFFL);
    check("length", length, 0xFFFF_FFFFL);
    return Aml.concat(
        new byte[] {(byte) MEMORY32_FIXED, 9, 0, (byte) (readWrite ? 1 : 0)},
        Aml.littleEndian(base, 4),
        Aml.littleEndian(length, 4));
  }

  /** {@code IO(Decode16, min, max, alignment, length)}. */
  public static byte[] io(int min, int max, int alignment, int length) {
    check("min", min, 0xFFFF);
    check("max", max, 0xFFFF);
    check("alignment", alignment, 0xFF);
    check("length", length, 0xFF);
    return Aml.concat(
        new byte[] {IO_DESCRIPTOR, 1},
        Aml.littleEndian(min, 2),
        Aml.littleEndian(max, 2),
        new byte[] {(byte) alignment, (byte) length});
  }

  /**
   * {@code Interrupt(ResourceConsumer|ResourceProducer, Edge|Level, ActiveHigh|ActiveLow,
   * Exclusive|Shared) { gsi }}.
   */
  public static byte[] interrupt(
      boolean consumer, boolean edgeTriggered, boolean activeLow, boolean shared, long gsi) {
    check("gsi", gsi, 0xFFFF_FFFFL);
    int flags =
        (consumer ? 0x01 : 0)
            | (edgeTriggered ? 0x02 : 0)
            | (activeLow ? 0x04 : 0)
            | (shared ? 0x08 : 0);
    return Aml.concat(
        new byte[] {(byte) EXTENDED_INTERRUPT, 6, 0, (byte) flags, 1}, Aml.littleEndian(gsi, 4));
  }

  private static void check(String field, long value, long max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(
          field + ": " + value + " (expected: 0..0x" + Long.toHexString(max) + ")");
    }
  }
}
