package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071) over IPv4 headers and TCP segments with their pseudo-header. */
public final class Checksum {
  private Checksum() {}

  /** The one's complement sum of {@code length} bytes from {@code offset}, not yet complemented. */
  static long sum(ByteBuffer buffer, int offset, int length) {
    long sum = 0;
    int end = offset + length;
    int i = offset;
    for (; i + 1 < end; i += 2) {
      sum += buffer.getShort(i) & 0xFFFF;
    }
    if (i < end) {
      sum += (buffer.get(i) & 0xFF) << 8;
    }
    return sum;
  }

  /** Folds a sum to 16 bits and complements it: the checksum to put in a header. */
  static int finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  /** The checksum of an IPv4 header; 0 when checked over a header that carries a valid one. */
  public static int ipv4(ByteBuffer packet, int headerLength) {
    return finish(sum(packet, 0, headerLength));
  }

  /**
   * The TCP checksum of {@code length} bytes of segment from {@code offset}, with the IPv4
   * pseudo-header of {@code source}, {@code destination} and protocol 6; 0 when checked over a
   * segment that carries a valid one.
   */
  public static int tcp(ByteBuffer buffer, int offset, int length, int source, int destination) {
    long sum = sum(buffer, offset, length);
    sum += (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF);
    sum += Ipv4.PROTOCOL_TCP + length;
    return finish(sum);
  }
}
