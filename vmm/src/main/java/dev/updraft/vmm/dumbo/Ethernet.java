package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/** Ethernet II frames without 802.1Q tags: 6-byte addresses as longs, big-endian fields. */
public final class Ethernet {
  public static final int HEADER = 14;
  public static final int TYPE_IPV4 = 0x0800;
  public static final int TYPE_ARP = 0x0806;

  private Ethernet() {}

  /** Whether {@code frame} (position 0 to limit) is long enough to have a header. */
  public static boolean valid(ByteBuffer frame) {
    return frame.limit() >= HEADER;
  }

  public static long destination(ByteBuffer frame) {
    return address(frame, 0);
  }

  public static long source(ByteBuffer frame) {
    return address(frame, 6);
  }

  public static int type(ByteBuffer frame) {
    return frame.getShort(12) & 0xFFFF;
  }

  /** The frame's payload, from byte 14 to its limit, as a buffer of its own (position 0). */
  public static ByteBuffer payload(ByteBuffer frame) {
    return frame.slice(HEADER, frame.limit() - HEADER);
  }

  /** Writes a header at the start of {@code frame}. */
  public static void writeHeader(ByteBuffer frame, long destination, long source, int type) {
    putAddress(frame, 0, destination);
    putAddress(frame, 6, source);
    frame.putShort(12, (short) type);
  }

  static long address(ByteBuffer buffer, int offset) {
    return ((buffer.getShort(offset) & 0xFFFFL) << 32) | (buffer.getInt(offset + 2) & 0xFFFF_FFFFL);
  }

  static void putAddress(ByteBuffer buffer, int offset, long address) {
    buffer.putShort(offset, (short) (address >>> 32));
    buffer.putInt(offset + 2, (int) address);
  }
}
