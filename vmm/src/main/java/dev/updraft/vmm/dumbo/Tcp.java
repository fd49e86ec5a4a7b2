package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/** TCP segments (RFC 9293): headers checked and parsed, segments written with their checksum. */
public final class Tcp {
  public static final int MIN_HEADER = 20;
  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;

  /** The MSS TCP assumes when a SYN carries none (RFC 9293 section 3.7.1). */
  public static final int DEFAULT_MSS = 536;

  static final int MIN_MSS = 100;
  private static final int MAX_HEADER = 60;
  private static final int OPTION_END = 0;
  private static final int OPTION_NOP = 1;
  private static final int OPTION_MSS = 2;

  /** Why a segment was refused, for counters and tests. */
  public enum Problem {
    TRUNCATED,
    HEADER_LENGTH,
    CHECKSUM,
    OPTIONS
  }

  /**
   * A checked header. Sequence numbers are kept as the wire's unsigned 32 bits in an int.
   *
   * @param flags the low six flag bits (FIN to URG)
   * @param mss the MSS option (SYN segments only), or 0 if there is none
   */
  public record Header(
      int sourcePort,
      int destinationPort,
      int sequence,
      int acknowledgement,
      int headerLength,
      int flags,
      int window,
      int mss) {
    public boolean has(int flag) {
      return (flags & flag) != 0;
    }
  }

  /** A parse's outcome: the header, or why there is none. */
  public record Parsed(Header header, Problem problem) {}

  private Tcp() {}

  /**
   * Reads and checks the segment in {@code segment} (position 0 to limit). The checksum is checked
   * unless {@code checksumPartial}: a guest with checksum offload leaves it for the NIC to finish.
   */
  public static Parsed parse(
      ByteBuffer segment, int source, int destination, boolean checksumPartial) {
    int length = segment.limit();
    if (length < MIN_HEADER) {
      return refused(Problem.TRUNCATED);
    }
    int headerLength = ((segment.get(12) & 0xFF) >>> 4) * 4;
    if (headerLength < MIN_HEADER || headerLength > Math.min(MAX_HEADER, length)) {
      return refused(Problem.HEADER_LENGTH);
    }
    if (!checksumPartial && Checksum.tcp(segment, 0, length, source, destination) != 0) {
      return refused(Problem.CHECKSUM);
    }
    int flags = segment.get(13) & 0x3F;
    int mss = 0;
    if ((flags & SYN) != 0) {
      mss = mssOption(segment, headerLength);
      if (mss < 0) {
        return refused(Problem.OPTIONS);
      }
    }
    return new Parsed(
        new Header(
            segment.getShort(0) & 0xFFFF,
            segment.getShort(2) & 0xFFFF,
            segment.getInt(4),
            segment.getInt(8),
            headerLength,
            flags,
            segment.getShort(14) & 0xFFFF,
            mss),
        null);
  }

  /** The MSS option's value, 0 if absent, -1 if the options are malformed or the MSS absurd. */
  static int mssOption(ByteBuffer segment, int headerLength) {
    int i = MIN_HEADER;
    while (i < headerLength) {
      int kind = segment.get(i) & 0xFF;
      if (kind == OPTION_END) {
        return 0;
      }
      if (kind == OPTION_NOP) {
        i++;
        continue;
      }
      if (i + 1 >= headerLength) {
        return -1;
      }
      int optionLength = segment.get(i + 1) & 0xFF;
      if (optionLength < 2 || i + optionLength > headerLength) {
        return -1;
      }
      if (kind == OPTION_MSS) {
        if (optionLength != 4) {
          return -1;
        }
        int mss = segment.getShort(i + 2) & 0xFFFF;
        return mss < MIN_MSS ? -1 : mss;
      }
      i += optionLength;
    }
    return 0;
  }

  /**
   * Writes a segment at the start of {@code segment}: the header (with an MSS option if {@code mss
   * > 0}), then {@code payloadLength} bytes the caller already put after it, and the checksum over
   * both. Returns the segment's length.
   */
  public static int write(
      ByteBuffer segment,
      int sourcePort,
      int destinationPort,
      int sequence,
      int acknowledgement,
      int flags,
      int window,
      int mss,
      int payloadLength,
      int source,
      int destination) {
    int headerLength = headerLength(mss);
    segment
        .putShort(0, (short) sourcePort)
        .putShort(2, (short) destinationPort)
        .putInt(4, sequence)
        .putInt(8, acknowledgement)
        .put(12, (byte) ((headerLength / 4) << 4))
        .put(13, (byte) flags)
        .putShort(14, (short) window)
        .putShort(16, (short) 0)
        .putShort(18, (short) 0);
    if (mss > 0) {
      segment.put(20, (byte) OPTION_MSS).put(21, (byte) 4).putShort(22, (short) mss);
    }
    int length = headerLength + payloadLength;
    segment.putShort(16, (short) Checksum.tcp(segment, 0, length, source, destination));
    return length;
  }

  /** The header length of a segment written with option {@code mss} (0: no options). */
  public static int headerLength(int mss) {
    return mss > 0 ? MIN_HEADER + 4 : MIN_HEADER;
  }

  private static Parsed refused(Problem problem) {
    return new Parsed(null, problem);
  }
}
