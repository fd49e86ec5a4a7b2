package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.dumbo.Arp;
import dev.updraft.vmm.dumbo.Ethernet;
import dev.updraft.vmm.dumbo.Tcp;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.mmds.GuestFrames.Answer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The MMDS on one interface, frame by frame: ARP, TCP, HTTP, and hostile frames. */
class MmdsNetworkStackTest {
  private static final int MMDS = MmdsNetworkStack.DEFAULT_ADDRESS;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final Counters counters = new Counters("mmds");
  private final Mmds mmds = new Mmds(51200, clock::get);
  private final MmdsNetworkStack stack =
      new MmdsNetworkStack(MMDS, mmds, counters, clock::get, () -> 1000);

  MmdsNetworkStackTest() {
    mmds.put(JsonText.parse("{\"latest\":{\"id\":\"i-1\"}}".getBytes(StandardCharsets.UTF_8)));
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private List<ByteBuffer> drain() {
    List<ByteBuffer> frames = new ArrayList<>();
    while (true) {
      ByteBuffer dst = ByteBuffer.allocate(2048);
      int length = stack.nextFrame(dst);
      if (length == 0) {
        return frames;
      }
      frames.add(dst.slice(0, length));
    }
  }

  @Test
  void itClaimsOnlyArpAndIpv4ForItsAddress() {
    assertThat(stack.claims(GuestFrames.arpRequest(MMDS))).isTrue();
    assertThat(stack.claims(GuestFrames.arpRequest(MMDS + 1))).isFalse();
    assertThat(stack.claims(GuestFrames.tcp(MMDS, 1, 0, 0, Tcp.SYN, ""))).isTrue();
    assertThat(stack.claims(GuestFrames.tcp(0x0A14_0001, 1, 0, 0, Tcp.SYN, ""))).isFalse();
    ByteBuffer ipv6 = GuestFrames.tcp(MMDS, 1, 0, 0, Tcp.SYN, "").putShort(12, (short) 0x86DD);
    assertThat(stack.claims(ipv6)).isFalse();
    assertThat(stack.claims(ByteBuffer.allocate(13))).isFalse();
    assertThat(stack.claims(GuestFrames.arpRequest(MMDS).slice(0, 41))).isFalse();
  }

  @Test
  void anArpRequestForTheAddressGetsItsMac() {
    stack.accept(GuestFrames.arpRequest(MMDS), false);
    List<ByteBuffer> frames = drain();
    assertThat(frames).hasSize(1);
    ByteBuffer reply = frames.getFirst();
    assertThat(Ethernet.destination(reply)).isEqualTo(GuestFrames.GUEST_MAC);
    assertThat(Ethernet.source(reply)).isEqualTo(MmdsNetworkStack.MAC);
    assertThat(Ethernet.type(reply)).isEqualTo(Ethernet.TYPE_ARP);
    ByteBuffer arp = Ethernet.payload(reply);
    assertThat(arp.limit()).isEqualTo(Arp.LENGTH);
    assertThat(arp.getShort(6)).as("reply").isEqualTo((short) 2);
    assertThat(arp.getInt(14)).as("the MMDS address").isEqualTo(MMDS);
    assertThat(arp.getInt(24)).as("to the guest").isEqualTo(GuestFrames.GUEST_IP);
    assertThat(counter("tx_frames")).isEqualTo(1);
  }

  @Test
  void aGuestGetsATokenAndTheMetadataOverTcp() {
    mmds.configure(MmdsVersion.V2, false, "vm");
    stack.accept(GuestFrames.tcp(MMDS, 4000, 100, 0, Tcp.SYN, ""), true);
    Answer synAck = GuestFrames.read(drain().getFirst());
    assertThat(synAck.tcp().flags()).isEqualTo(Tcp.SYN | Tcp.ACK);
    assertThat(synAck.destinationMac()).isEqualTo(GuestFrames.GUEST_MAC);
    int serverSeq = synAck.tcp().sequence() + 1;
    String put =
        "PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\n"
            + "X-metadata-token-ttl-seconds: 60\r\n\r\n";
    stack.accept(GuestFrames.tcp(MMDS, 4000, 101, serverSeq, Tcp.ACK | Tcp.PSH, put), true);
    Answer reply = GuestFrames.read(drain().getFirst());
    assertThat(reply.payload()).startsWith("HTTP/1.1 200 OK");
    String token = reply.payload().substring(reply.payload().indexOf("\r\n\r\n") + 4);
    int next = serverSeq + reply.payload().length();
    String get =
        "GET /latest/id HTTP/1.1\r\nAccept: application/json\r\nX-metadata-token: "
            + token
            + "\r\n\r\n";
    stack.accept(
        GuestFrames.tcp(MMDS, 4000, 101 + put.length(), next, Tcp.ACK | Tcp.PSH, get), true);
    assertThat(GuestFrames.read(drain().getFirst()).payload()).endsWith("\r\n\r\n\"i-1\"");
    assertThat(counter("connections_created")).isEqualTo(1);
    assertThat(counter("rx_count")).isEqualTo(3);
    assertThat(counter("rx_accepted")).isEqualTo(3);
  }

  @Test
  void hostileFramesCostOnlyACounter() {
    ByteBuffer syn = GuestFrames.tcp(MMDS, 4001, 7, 0, Tcp.SYN, "");
    stack.accept(syn.slice(0, 10), false);
    assertThat(counter("rx_bad_eth")).isEqualTo(1);
    stack.accept(syn.slice(0, 30), false); // a truncated IPv4 header
    ByteBuffer badIpChecksum = ByteBuffer.wrap(GuestFrames.copy(syn));
    badIpChecksum.put(22, (byte) 9); // the TTL, under the header checksum
    stack.accept(badIpChecksum, false);
    ByteBuffer badTcpChecksum = ByteBuffer.wrap(GuestFrames.copy(syn));
    badTcpChecksum.putShort(50, (short) (badTcpChecksum.getShort(50) + 1));
    stack.accept(badTcpChecksum, false);
    ByteBuffer udp = ByteBuffer.wrap(GuestFrames.copy(syn));
    udp.put(23, (byte) 17);
    udp.putShort(24, (short) 0);
    udp.putShort(24, (short) dev.updraft.vmm.dumbo.Checksum.ipv4(Ethernet.payload(udp), 20));
    stack.accept(udp, false);
    ByteBuffer notARequest = GuestFrames.arpRequest(MMDS);
    notARequest.putShort(20, (short) 2);
    stack.accept(notARequest, false);
    assertThat(drain()).isEmpty();
    assertThat(counter("rx_accepted_err")).isEqualTo(4);
    assertThat(counter("rx_accepted_unusual")).isEqualTo(1);
    assertThat(stack.connectionCount()).isZero();
  }

  @Test
  void randomFramesNeverThrowNorLeaveState() {
    Random random = new Random(12);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(120)];
      random.nextBytes(bytes);
      ByteBuffer frame = ByteBuffer.wrap(bytes);
      if (bytes.length > 34 && random.nextBoolean()) {
        frame.putShort(12, (short) Ethernet.TYPE_IPV4).put(14, (byte) 0x45).putInt(30, MMDS);
      }
      stack.accept(frame, random.nextBoolean());
      for (ByteBuffer out : drain()) {
        assertThat(Ethernet.valid(out)).isTrue();
      }
    }
    assertThat(stack.connectionCount()).isLessThanOrEqualTo(30);
    assertThat(stack.internalErrors()).isZero();
  }
}
