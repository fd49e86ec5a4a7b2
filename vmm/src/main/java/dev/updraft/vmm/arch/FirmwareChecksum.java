package dev.updraft.vmm.arch;

/**
 * The rule x86 firmware tables share (MP spec, ACPI): all bytes of a structure sum to zero modulo
 * 256, by way of one checksum byte inside it.
 */
public final class FirmwareChecksum {
  private FirmwareChecksum() {}

  /** The byte that makes {@code [from, from + length)} sum to zero, its own slot counted as 0. */
  public static byte of(byte[] bytes, int from, int length) {
    int sum = 0;
    for (int i = from; i < from + length; i++) {
      sum += bytes[i];
    }
    return (byte) -sum;
  }
}
