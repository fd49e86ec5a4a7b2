package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/** ARP for IPv4 over Ethernet (RFC 826): requests parsed, replies written; 28 bytes each. */
public final class Arp {
  public static final int LENGTH = 28;
  static final int OP_REQUEST = 1;
  static final int OP_REPLY = 2;
  private static final int HTYPE_ETHERNET = 1;

  /** An ARP request: who has {@code targetIp}? Tell {@code senderIp} at {@code senderMac}. */
  public record Request(long senderMac, int senderIp, int targetIp) {}

  private Arp() {}

  /**
   * The request in {@code payload}, or null if it is not exactly an Ethernet/IPv4 ARP request.
   * Ethernet pads short frames, so bytes past the 28 are allowed.
   */
  public static Request parseRequest(ByteBuffer payload) {
    if (payload.limit() < LENGTH
        || (payload.getShort(0) & 0xFFFF) != HTYPE_ETHERNET
        || (payload.getShort(2) & 0xFFFF) != Ethernet.TYPE_IPV4
        || payload.get(4) != 6
        || payload.get(5) != 4
        || (payload.getShort(6) & 0xFFFF) != OP_REQUEST) {
      return null;
    }
    return new Request(Ethernet.address(payload, 8), payload.getInt(14), payload.getInt(24));
  }

  /** The target protocol address of whatever ARP payload this is, without other checks. */
  public static int targetIp(ByteBuffer payload) {
    return payload.limit() >= LENGTH ? payload.getInt(24) : 0;
  }

  /** Writes a reply: {@code senderIp} is at {@code senderMac}; returns its length. */
  public static int writeReply(
      ByteBuffer dst, long senderMac, int senderIp, long targetMac, int targetIp) {
    dst.putShort(0, (short) HTYPE_ETHERNET)
        .putShort(2, (short) Ethernet.TYPE_IPV4)
        .put(4, (byte) 6)
        .put(5, (byte) 4)
        .putShort(6, (short) OP_REPLY);
    Ethernet.putAddress(dst, 8, senderMac);
    dst.putInt(14, senderIp);
    Ethernet.putAddress(dst, 18, targetMac);
    dst.putInt(24, targetIp);
    return LENGTH;
  }
}
