package dev.updraft.vmm.testing;

import dev.updraft.vmm.memory.GuestMemory;
import java.nio.charset.StandardCharsets;

/** Reads back what boot code wrote into guest memory, the way a guest would look at it. */
public final class GuestBytes {
  private GuestBytes() {}

  /** {@code length} bytes at {@code address} as ASCII text. */
  public static String ascii(GuestMemory memory, long address, int length) {
    byte[] bytes = new byte[length];
    memory.read(address, bytes, 0, length);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** The byte sum of {@code [address, address + length)}: 0 for a correctly checksummed table. */
  public static int sum(GuestMemory memory, long address, int length) {
    byte[] bytes = new byte[length];
    memory.read(address, bytes, 0, length);
    int sum = 0;
    for (byte b : bytes) {
      sum += b;
    }
    return sum & 0xFF;
  }
}
