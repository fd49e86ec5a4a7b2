package dev.updraft.vmm.dumbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Each protocol data unit parsed and written, and each way a hostile one is refused. */
class PduTest {
  private static final int GUEST = 0x0A00_0002; // 10.0.0.2
  private static final int MMDS = 0xA9FE_A9FE;

  private static ByteBuffer bytes(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @Test
  void theChecksumIsRfc1071s() {
    // RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
    assertThat(Checksum.finish(Checksum.sum(bytes("0001f203f4f5f6f7"), 0, 8))).isEqualTo(0x220d);
    assertThat(Checksum.sum(bytes("ff"), 0, 1))
        .as("an odd byte is the high half")
        .isEqualTo(0xff00);
  }

  @Test
  void ethernetHeadersRoundTrip() {
    ByteBuffer frame = ByteBuffer.allocate(60);
    Ethernet.writeHeader(frame, 0xFFFF_FFFF_FFFFL, 0x0601_2345_6701L, Ethernet.TYPE_ARP);
    assertThat(Ethernet.valid(frame)).isTrue();
    assertThat(Ethernet.destination(frame)).isEqualTo(0xFFFF_FFFF_FFFFL);
    assertThat(Ethernet.source(frame)).isEqualTo(0x0601_2345_6701L);
    assertThat(Ethernet.type(frame)).isEqualTo(Ethernet.TYPE_ARP);
    assertThat(Ethernet.payload(frame).limit()).isEqualTo(46);
    assertThat(Ethernet.valid(ByteBuffer.allocate(13))).isFalse();
  }

  @Test
  void arpRequestsAreParsedAndRepliesWritten() {
    ByteBuffer reply = ByteBuffer.allocate(Arp.LENGTH);
    Arp.writeReply(reply, 0x0601_2345_6701L, MMDS, 0x5254_0012_3456L, GUEST);
    // A request is the same layout with operation 1.
    ByteBuffer request = ByteBuffer.allocate(46);
    request.put(0, reply, 0, Arp.LENGTH).putShort(6, (short) Arp.OP_REQUEST);
    Ethernet.putAddress(request, 8, 0x5254_0012_3456L);
    request.putInt(14, GUEST).putInt(24, MMDS);
    assertThat(Arp.parseRequest(request))
        .isEqualTo(new Arp.Request(0x5254_0012_3456L, GUEST, MMDS));
    assertThat(Arp.targetIp(request)).isEqualTo(MMDS);
    assertThat(reply.getShort(6)).as("a reply").isEqualTo((short) 2);
    assertThat(Arp.parseRequest(reply)).as("not a request").isNull();
    assertThat(Arp.parseRequest(request.slice(0, 27))).as("truncated").isNull();
    // htype, ptype, hlen, plen, oper: each changed alone makes it no request.
    for (int offset : new int[] {1, 3, 4, 5, 7}) {
      ByteBuffer bad = ByteBuffer.allocate(Arp.LENGTH).put(0, request, 0, Arp.LENGTH);
      bad.put(offset, (byte) (bad.get(offset) + 1));
      assertThat(Arp.parseRequest(bad)).as("byte %d", offset).isNull();
    }
  }

  @Test
  void ipv4HeadersAreCheckedFieldByField() {
    ByteBuffer packet = ByteBuffer.allocate(60);
    Ipv4.writeHeader(packet, Ipv4.PROTOCOL_TCP, GUEST, MMDS, 40);
    assertThat(Checksum.ipv4(packet, 20)).as("a valid header sums to zero").isZero();
    Ipv4.Parsed parsed = Ipv4.parse(packet);
    assertThat(parsed.header()).isEqualTo(new Ipv4.Header(20, 60, 6, GUEST, MMDS));
    assertThat(Ipv4.parse(ByteBuffer.allocate(80).put(0, packet, 0, 60)).header())
        .as("Ethernet padding after the packet")
        .isNotNull();
    assertThat(Ipv4.parse(packet.slice(0, 19)).problem()).isEqualTo(Ipv4.Problem.TRUNCATED);
    assertThat(Ipv4.parse(packet.slice(0, 59)).problem()).isEqualTo(Ipv4.Problem.TOTAL_LENGTH);
    assertThat(problem(packet, b -> b.put(0, (byte) 0x65))).isEqualTo(Ipv4.Problem.VERSION);
    assertThat(problem(packet, b -> b.put(0, (byte) 0x44))).isEqualTo(Ipv4.Problem.HEADER_LENGTH);
    ByteBuffer small = ByteBuffer.allocate(40);
    Ipv4.writeHeader(small, Ipv4.PROTOCOL_TCP, GUEST, MMDS, 20);
    assertThat(problem(small, b -> b.put(0, (byte) 0x4F)))
        .as("options past the packet")
        .isEqualTo(Ipv4.Problem.HEADER_LENGTH);
    assertThat(problem(packet, b -> b.putShort(2, (short) 10)))
        .isEqualTo(Ipv4.Problem.TOTAL_LENGTH);
    assertThat(problem(packet, b -> b.put(8, (byte) 7))).isEqualTo(Ipv4.Problem.CHECKSUM);
    assertThat(problem(packet, b -> fixChecksum(b.putShort(6, (short) 0x2000))))
        .isEqualTo(Ipv4.Problem.FRAGMENT);
    assertThat(problem(packet, b -> fixChecksum(b.putShort(6, (short) 0x0001))))
        .isEqualTo(Ipv4.Problem.FRAGMENT);
  }

  private static ByteBuffer fixChecksum(ByteBuffer header) {
    header.putShort(10, (short) 0);
    return header.putShort(10, (short) Checksum.ipv4(header, 20));
  }

  private static Ipv4.Problem problem(
      ByteBuffer packet, java.util.function.UnaryOperator<ByteBuffer> change) {
    ByteBuffer copy = ByteBuffer.allocate(packet.limit()).put(0, packet, 0, packet.limit());
    return Ipv4.parse(change.apply(copy)).problem();
  }

  @Test
  void tcpSegmentsRoundTripWithTheirChecksum() {
    ByteBuffer segment = ByteBuffer.allocate(64);
    segment.put(24, "hi".getBytes());
    int length =
        Tcp.write(segment, 80, 4242, 1000, 2000, Tcp.SYN | Tcp.ACK, 512, 1460, 2, MMDS, GUEST);
    assertThat(length).isEqualTo(26);
    ByteBuffer sent = segment.slice(0, length);
    assertThat(Checksum.tcp(sent, 0, length, MMDS, GUEST)).isZero();
    Tcp.Header header = Tcp.parse(sent, MMDS, GUEST, false).header();
    assertThat(header).isEqualTo(new Tcp.Header(80, 4242, 1000, 2000, 24, 0x12, 512, 1460));
    assertThat(Tcp.parse(sent, MMDS, GUEST + 1, false).problem())
        .as("another source address")
        .isEqualTo(Tcp.Problem.CHECKSUM);
    assertThat(Tcp.parse(sent, MMDS, GUEST + 1, true).header())
        .as("a partial checksum is not checked")
        .isNotNull();
    assertThat(Tcp.parse(sent.slice(0, 19), MMDS, GUEST, true).problem())
        .isEqualTo(Tcp.Problem.TRUNCATED);
    ByteBuffer badOffset = ByteBuffer.allocate(26).put(0, sent, 0, 26).put(12, (byte) 0x40);
    assertThat(Tcp.parse(badOffset, MMDS, GUEST, true).problem())
        .isEqualTo(Tcp.Problem.HEADER_LENGTH);
    ByteBuffer pastEnd = ByteBuffer.allocate(26).put(0, sent, 0, 26).put(12, (byte) 0x80);
    assertThat(Tcp.parse(pastEnd, MMDS, GUEST, true).problem())
        .isEqualTo(Tcp.Problem.HEADER_LENGTH);
  }

  @Test
  void synOptionsAreReadForTheMssAndMalformedOnesRefused() {
    assertThat(mss("0204 05b4")).isEqualTo(1460);
    assertThat(mss("0101 0204 05b4 0000")).as("NOPs first").isEqualTo(1460);
    assertThat(mss("0303 0701 0204 05b4")).as("window scale skipped").isEqualTo(1460);
    assertThat(mss("0000 0000")).as("end of options").isZero();
    assertThat(mss("0402 0000")).as("SACK permitted, no MSS").isZero();
    assertThat(mss("0204 0010")).as("an MSS of 16").isEqualTo(-1);
    assertThat(mss("0203 05b4")).as("MSS of length 3").isEqualTo(-1);
    assertThat(mss("0300 0000")).as("option length 0").isEqualTo(-1);
    assertThat(mss("0308 0000")).as("option past the header").isEqualTo(-1);
    assertThat(mss("0101 0102")).as("kind without a length").isEqualTo(-1);
  }

  private static int mss(String options) {
    ByteBuffer option = bytes(options);
    ByteBuffer segment = ByteBuffer.allocate(20 + option.limit());
    segment.put(20, option, 0, option.limit());
    return Tcp.mssOption(segment, segment.limit());
  }

  @Test
  void addressesAreDottedQuads() {
    assertThat(Ipv4Address.parse("f", "169.254.169.254").value()).isEqualTo(MMDS);
    assertThat(Ipv4Address.parse("f", "169.254.170.2")).hasToString("169.254.170.2");
    for (String bad :
        new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "a.b.c.d", "1..2.3"}) {
      assertThatThrownBy(() -> Ipv4Address.parse("ipv4_address", bad))
          .as(bad)
          .hasMessageContaining("ipv4_address: \"" + bad + "\"");
    }
  }
}
