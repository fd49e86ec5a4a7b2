package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A TCP client for tests: crafts segments to a {@link TcpHandler} and reads its answers. */
final class TcpPeer {
  static final int ADDRESS = 0x0A00_0002;
  static final int SERVER = 0xA9FE_A9FE;

  /** A segment the handler sent. */
  record Segment(Tcp.Header header, byte[] payload) {
    boolean has(int flag) {
      return header.has(flag);
    }

    String text() {
      return new String(payload, java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  final TcpHandler handler;
  final int port;
  long now = 1_000_000_000L;
  int seq = 5000;
  int ack;
  int window = 65535;

  TcpPeer(TcpHandler handler, int port) {
    this.handler = handler;
    this.port = port;
  }

  /** Sends a segment as this peer: its sequence number advances by what it occupies. */
  void send(int flags, byte[] payload) {
    sendRaw(flags, seq, ack, window, payload, flags == Tcp.SYN ? 1460 : 0, false);
    seq += payload.length + ((flags & (Tcp.SYN | Tcp.FIN)) != 0 ? 1 : 0);
  }

  void send(int flags) {
    send(flags, new byte[0]);
  }

  /** Sends exactly the segment described, changing nothing. */
  void sendRaw(
      int flags,
      int sequence,
      int acknowledgement,
      int win,
      byte[] payload,
      int mss,
      boolean badChecksum) {
    ByteBuffer packet = ByteBuffer.allocate(Ipv4.MIN_HEADER + 24 + payload.length);
    ByteBuffer segment = packet.slice(Ipv4.MIN_HEADER, packet.limit() - Ipv4.MIN_HEADER);
    segment.put(Tcp.headerLength(mss), payload);
    int length =
        Tcp.write(
            segment,
            port,
            80,
            sequence,
            acknowledgement,
            flags,
            win,
            mss,
            payload.length,
            ADDRESS,
            SERVER);
    if (badChecksum) {
      segment.putShort(16, (short) (segment.getShort(16) + 1));
    }
    Ipv4.writeHeader(packet, Ipv4.PROTOCOL_TCP, ADDRESS, SERVER, length);
    ByteBuffer ip = packet.slice(0, Ipv4.MIN_HEADER + length);
    Ipv4.Header header = Ipv4.parse(ip).header();
    handler.receive(header, ip.slice(Ipv4.MIN_HEADER, length), false, now);
  }

  /** Every segment the handler has to send now, in order. */
  List<Segment> received() {
    List<Segment> segments = new ArrayList<>();
    while (true) {
      ByteBuffer packet = ByteBuffer.allocate(2048);
      int length = handler.next(packet, now);
      if (length == 0) {
        return segments;
      }
      Ipv4.Header ip = Ipv4.parse(packet.slice(0, length)).header();
      ByteBuffer tcp = packet.slice(ip.headerLength(), ip.payloadLength());
      Tcp.Parsed parsed = Tcp.parse(tcp, ip.source(), ip.destination(), false);
      if (parsed.header() == null) {
        throw new AssertionError("the handler sent a bad segment: " + parsed.problem());
      }
      Tcp.Header h = parsed.header();
      byte[] payload =
          Arrays.copyOfRange(
              tcp.array(), tcp.arrayOffset() + h.headerLength(), tcp.arrayOffset() + tcp.limit());
      if (h.destinationPort() == port) {
        segments.add(new Segment(h, payload));
      }
    }
  }

  /** The three-way handshake; returns the SYN-ACK. */
  Segment connect() {
    send(Tcp.SYN);
    List<Segment> synAck = received();
    if (synAck.size() != 1 || synAck.getFirst().header().flags() != (Tcp.SYN | Tcp.ACK)) {
      throw new AssertionError("expected one SYN-ACK, got " + synAck);
    }
    ack = synAck.getFirst().header().sequence() + 1;
    send(Tcp.ACK);
    return synAck.getFirst();
  }

  /** Acknowledges everything in {@code segments} (data and FIN). */
  void acknowledge(List<Segment> segments) {
    for (Segment s : segments) {
      int end = s.header().sequence() + s.payload().length + (s.has(Tcp.FIN) ? 1 : 0);
      if (TcpConnection.after(end, ack)) {
        ack = end;
      }
    }
    send(Tcp.ACK);
  }
}
