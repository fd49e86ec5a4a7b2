package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/** IPv4 packets (RFC 791): headers checked and parsed, headers written with their checksum. */
public final class Ipv4 {
  public static final int MIN_HEADER = 20;
  public static final int PROTOCOL_TCP = 6;

  /** Link-local traffic goes no further than the link. */
  static final int TTL = 1;

  /** Why a packet was refused, for counters and tests. */
  public enum Problem {
    TRUNCATED,
    VERSION,
    HEADER_LENGTH,
    TOTAL_LENGTH,
    CHECKSUM,
    FRAGMENT
  }

  /**
   * A checked header.
   *
   * @param headerLength bytes of header with options
   * @param totalLength header and payload, at most the buffer (what follows is Ethernet padding)
   */
  public record Header(
      int headerLength, int totalLength, int protocol, int source, int destination) {
    public int payloadLength() {
      return totalLength - headerLength;
    }
  }

  /** A parse's outcome: the header, or why there is none. */
  public record Parsed(Header header, Problem problem) {}

  private Ipv4() {}

  /** Reads and checks the header of {@code packet} (position 0 to limit). */
  public static Parsed parse(ByteBuffer packet) {
    int available = packet.limit();
    if (available < MIN_HEADER) {
      return refused(Problem.TRUNCATED);
    }
    int first = packet.get(0) & 0xFF;
    if ((first >>> 4) != 4) {
      return refused(Problem.VERSION);
    }
    int headerLength = (first & 0x0F) * 4;
    if (headerLength < MIN_HEADER || headerLength > available) {
      return refused(Problem.HEADER_LENGTH);
    }
    int totalLength = packet.getShort(2) & 0xFFFF;
    if (totalLength < headerLength || totalLength > available) {
      return refused(Problem.TOTAL_LENGTH);
    }
    if (Checksum.ipv4(packet, headerLength) != 0) {
      return refused(Problem.CHECKSUM);
    }
    // More fragments, or an offset: nothing here reassembles, so a fragment is refused.
    if ((packet.getShort(6) & 0x3FFF) != 0) {
      return refused(Problem.FRAGMENT);
    }
    return new Parsed(
        new Header(
            headerLength, totalLength, packet.get(9) & 0xFF, packet.getInt(12), packet.getInt(16)),
        null);
  }

  /** The destination address of whatever this is, without other checks (0 if too short). */
  public static int destination(ByteBuffer packet) {
    return packet.limit() >= MIN_HEADER ? packet.getInt(16) : 0;
  }

  /** Writes a 20-byte header for {@code payloadLength} bytes of {@code protocol}. */
  public static void writeHeader(
      ByteBuffer packet, int protocol, int source, int destination, int payloadLength) {
    packet
        .put(0, (byte) 0x45)
        .put(1, (byte) 0)
        .putShort(2, (short) (MIN_HEADER + payloadLength))
        .putShort(4, (short) 0)
        .putShort(6, (short) 0x4000) // don't fragment
        .put(8, (byte) TTL)
        .put(9, (byte) protocol)
        .putShort(10, (short) 0)
        .putInt(12, source)
        .putInt(16, destination);
    packet.putShort(10, (short) Checksum.ipv4(packet, MIN_HEADER));
  }

  private static Parsed refused(Problem problem) {
    return new Parsed(null, problem);
  }
}
