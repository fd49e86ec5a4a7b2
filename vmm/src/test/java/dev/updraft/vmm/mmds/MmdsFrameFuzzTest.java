package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.dumbo.Checksum;
import dev.updraft.vmm.dumbo.Ethernet;
import dev.updraft.vmm.dumbo.Ipv4;
import dev.updraft.vmm.dumbo.Tcp;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.metrics.Counters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw frames from a guest through the whole dumbo path (Ethernet, ARP, IPv4, TCP, HTTP) of one MMDS
 * network stack: nothing fails inside the stack, its tables stay bounded, and every frame it
 * answers with is well-formed, checksums included. Input: chunks of [flags, length (2), frame];
 * flags may make a frame IPv4 to the MMDS with a valid header, leave its TCP checksum unchecked (as
 * offload would), and move the clock so that retransmissions fire.
 */
class MmdsFrameFuzzTest {
  private static final int MMDS = MmdsNetworkStack.DEFAULT_ADDRESS;

  @FuzzTest(maxDuration = "5s")
  void frames(byte[] data) {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    Mmds mmds = new Mmds(4096, clock::get);
    mmds.put(JsonText.parse("{\"latest\":{\"id\":\"i-1\"}}".getBytes(StandardCharsets.UTF_8)));
    if (data.length > 0 && (data[0] & 1) != 0) {
      mmds.configure(MmdsVersion.V2, (data[0] & 2) != 0, "fuzz");
    }
    MmdsNetworkStack stack =
        new MmdsNetworkStack(MMDS, mmds, new Counters("mmds"), clock::get, () -> 77);
    ByteBuffer input = ByteBuffer.wrap(data);
    int frames = 0;
    while (input.remaining() >= 3 && frames++ < 32) {
      int flags = input.get() & 0xFF;
      int length = Math.min(input.getShort() & 0xFFFF, input.remaining());
      byte[] bytes = new byte[length];
      input.get(bytes);
      ByteBuffer frame = ByteBuffer.wrap(bytes);
      if ((flags & 1) != 0) {
        shapeIpv4(frame);
      }
      if (stack.claims(frame) || (flags & 2) != 0) {
        stack.accept(frame, (flags & 4) != 0);
      }
      clock.addAndGet((flags & 8) != 0 ? 400_000_000L : 1_000);
      drain(stack);
    }
    assertThat(stack.internalErrors()).isZero();
    assertThat(stack.connectionCount()).isLessThanOrEqualTo(30);
  }

  /** Makes an IPv4 header to the MMDS whose length and checksum hold, if there is room. */
  private static void shapeIpv4(ByteBuffer frame) {
    if (frame.limit() < Ethernet.HEADER + Ipv4.MIN_HEADER) {
      return;
    }
    frame.putShort(12, (short) Ethernet.TYPE_IPV4);
    ByteBuffer ip = Ethernet.payload(frame);
    ip.put(0, (byte) 0x45).putShort(2, (short) ip.limit()).putShort(6, (short) 0);
    ip.put(9, (byte) Ipv4.PROTOCOL_TCP).putInt(16, MMDS).putShort(10, (short) 0);
    ip.putShort(10, (short) Checksum.ipv4(ip, Ipv4.MIN_HEADER));
  }

  private static void drain(MmdsNetworkStack stack) {
    for (int i = 0; i < 64; i++) {
      ByteBuffer out = ByteBuffer.allocate(2048);
      int length = stack.nextFrame(out);
      if (length == 0) {
        return;
      }
      ByteBuffer frame = out.slice(0, length);
      assertThat(Ethernet.valid(frame)).isTrue();
      if (Ethernet.type(frame) == Ethernet.TYPE_IPV4) {
        ByteBuffer ip = Ethernet.payload(frame);
        Ipv4.Header header = Ipv4.parse(ip).header();
        assertThat(header).as("a valid IPv4 header").isNotNull();
        ByteBuffer segment = ip.slice(header.headerLength(), header.payloadLength());
        assertThat(Tcp.parse(segment, header.source(), header.destination(), false).header())
            .as("a valid TCP segment")
            .isNotNull();
      }
    }
  }
}
