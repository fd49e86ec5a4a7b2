package dev.updraft.vmm.mmds;

import dev.updraft.vmm.dumbo.Arp;
import dev.updraft.vmm.dumbo.Ethernet;
import dev.updraft.vmm.dumbo.Ipv4;
import dev.updraft.vmm.dumbo.Tcp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Frames a guest would send to the MMDS, and a reader for the stack's answers. */
final class GuestFrames {
  static final long GUEST_MAC = 0x5254_0012_3456L;
  static final int GUEST_IP = 0x0A14_0002; // 10.20.0.2

  private GuestFrames() {}

  static ByteBuffer arpRequest(int target) {
    ByteBuffer frame = ByteBuffer.allocate(Ethernet.HEADER + Arp.LENGTH);
    Ethernet.writeHeader(frame, 0xFFFF_FFFF_FFFFL, GUEST_MAC, Ethernet.TYPE_ARP);
    ByteBuffer arp = frame.slice(Ethernet.HEADER, Arp.LENGTH);
    Arp.writeReply(arp, GUEST_MAC, GUEST_IP, 0, target);
    arp.putShort(6, (short) 1); // a request
    return frame;
  }

  /** An Ethernet/IPv4/TCP frame from the guest's port {@code port} to {@code to}:80. */
  static ByteBuffer tcp(int to, int port, int seq, int ack, int flags, String payload) {
    byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
    int mss = flags == Tcp.SYN ? 1460 : 0;
    ByteBuffer frame = ByteBuffer.allocate(Ethernet.HEADER + Ipv4.MIN_HEADER + 24 + data.length);
    Ethernet.writeHeader(frame, MmdsNetworkStack.MAC, GUEST_MAC, Ethernet.TYPE_IPV4);
    ByteBuffer ip = frame.slice(Ethernet.HEADER, frame.limit() - Ethernet.HEADER);
    ByteBuffer segment = ip.slice(Ipv4.MIN_HEADER, ip.limit() - Ipv4.MIN_HEADER);
    segment.put(Tcp.headerLength(mss), data);
    int length =
        Tcp.write(segment, port, 80, seq, ack, flags, 65535, mss, data.length, GUEST_IP, to);
    Ipv4.writeHeader(ip, Ipv4.PROTOCOL_TCP, GUEST_IP, to, length);
    return frame.slice(0, Ethernet.HEADER + Ipv4.MIN_HEADER + length);
  }

  /** A TCP segment the stack sent, with its frame's addresses. */
  record Answer(long destinationMac, long sourceMac, Tcp.Header tcp, String payload) {}

  /** Reads a frame the stack wrote; fails on anything that is not a valid IPv4/TCP frame. */
  static Answer read(ByteBuffer frame) {
    ByteBuffer ip = Ethernet.payload(frame);
    Ipv4.Header header = Ipv4.parse(ip).header();
    if (header == null) {
      throw new AssertionError("not IPv4: " + Ipv4.parse(ip).problem());
    }
    ByteBuffer segment = ip.slice(header.headerLength(), header.payloadLength());
    Tcp.Parsed parsed = Tcp.parse(segment, header.source(), header.destination(), false);
    if (parsed.header() == null) {
      throw new AssertionError("not TCP: " + parsed.problem());
    }
    byte[] bytes = new byte[segment.limit() - parsed.header().headerLength()];
    segment.get(parsed.header().headerLength(), bytes);
    return new Answer(
        Ethernet.destination(frame),
        Ethernet.source(frame),
        parsed.header(),
        new String(bytes, StandardCharsets.US_ASCII));
  }

  static byte[] copy(ByteBuffer frame) {
    return Arrays.copyOf(frame.array(), frame.limit());
  }
}
