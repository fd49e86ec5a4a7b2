package dev.updraft.vmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Tap;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.core.TapBackend;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A frame from the guest through a real TAP device into the host kernel and the kernel's answer
 * back into the guest: the "guest" sends an ARP request for the TAP's address, in a network
 * namespace of its own, and receives the ARP reply.
 */
@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#tapAvailable",
    disabledReason = "needs root and /dev/net/tun")
@NeedsProgram(value = "ip", debian = "iproute2")
class VirtioNetTapIT {
  private static final byte[] GUEST_MAC = {0x02, 0, 0, 0, 0, 0x02};
  private static final byte[] GUEST_IP = {10, (byte) 213, 77, 2};
  private static final byte[] HOST_IP = {10, (byte) 213, 77, 1};

  private final String namespace = "updraft-vnet-" + ProcessHandle.current().pid();
  private Tap tap;

  @AfterEach
  void cleanUp() throws Exception {
    if (tap != null) {
      tap.close();
    }
    // The namespace may not exist if the test failed early; nothing to check then.
    new ProcessBuilder("ip", "netns", "del", namespace).redirectErrorStream(true).start().waitFor();
  }

  @Test
  void anArpRequestFromTheGuestIsAnsweredByTheHostKernel() throws Exception {
    run("ip", "netns", "add", namespace);
    tap = Tap.open("uvnt%d", true, true);
    tap.setVnetHeaderSize(VirtioNet.VNET_HDR_LEN);
    String name = tap.name();
    run("ip", "link", "set", name, "netns", namespace);
    run(
        "ip",
        "netns",
        "exec",
        namespace,
        "sysctl",
        "-q",
        "-w",
        "net.ipv6.conf." + name + ".disable_ipv6=1");
    run("ip", "-n", namespace, "addr", "add", "10.213.77.1/24", "dev", name);
    run("ip", "-n", namespace, "link", "set", name, "up");

    HeapGuestMemory memory = HeapGuestMemory.ofSize(4 << 20);
    MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 16, 0x10_0000, 0x10_0000);
    MockVirtQueue tx = new MockVirtQueue(memory, 0x3000, 16, 0x20_0000, 0x10_0000);
    Counters counters = new Counters("net_it");
    VirtioNet net =
        new VirtioNet(
            new NetConfig(
                "it",
                MacAddress.of(GUEST_MAC),
                0,
                RateLimiterConfig.UNLIMITED,
                RateLimiterConfig.UNLIMITED),
            TapBackend.of(tap),
            new FakeTimers(),
            counters);
    MmioDriver driver = new MmioDriver(new VirtioMmioTransport(net, memory, () -> {}));
    driver.initialize(VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX, rx, tx);
    List<Buffer> buffers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      buffers.add(rx.writable(2048));
      rx.add(buffers.getLast());
    }
    driver.notifyQueue(VirtioNet.RX_QUEUE);

    tx.add(tx.readable(arpRequest()));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(counters.snapshot()).containsEntry("tx_packets_count", 1L);

    Optional<ByteBuffer> reply = Optional.empty();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (reply.isEmpty() && System.nanoTime() < deadline) {
      net.onBackendReadable();
      for (int i = 0; i < rx.usedIdx(); i++) {
        MockVirtQueue.Used used = rx.used(i);
        ByteBuffer frame =
            ByteBuffer.wrap(rx.bytes(buffers.get(used.id())), 0, (int) used.length());
        if (isArpReply(frame)) {
          reply = Optional.of(frame);
        }
      }
      Thread.sleep(10);
    }
    assertThat(reply).as("an ARP reply within 5 s").isPresent();
    ByteBuffer arp = reply.get();
    byte[] destination = new byte[6];
    arp.get(VirtioNet.VNET_HDR_LEN, destination);
    assertThat(destination).isEqualTo(GUEST_MAC);
    byte[] senderIp = new byte[4];
    arp.get(VirtioNet.VNET_HDR_LEN + 14 + 14, senderIp);
    assertThat(senderIp).isEqualTo(HOST_IP);
  }

  private static byte[] arpRequest() {
    ByteBuffer frame = ByteBuffer.allocate(VirtioNet.VNET_HDR_LEN + 60);
    frame.position(VirtioNet.VNET_HDR_LEN);
    frame.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(GUEST_MAC).putShort((short) 0x0806);
    frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4);
    frame.putShort((short) 1); // request
    frame.put(GUEST_MAC).put(GUEST_IP).put(new byte[6]).put(HOST_IP);
    return frame.array();
  }

  private static boolean isArpReply(ByteBuffer frame) {
    int ethernet = VirtioNet.VNET_HDR_LEN;
    return frame.limit() >= ethernet + 42
        && frame.getShort(ethernet + 12) == 0x0806
        && frame.getShort(ethernet + 14 + 6) == 2;
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
