package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import dev.updraft.vmm.virtio.vsock.VsockHeader;
import dev.updraft.vmm.virtio.vsock.VsockOp;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vsock device on real Unix sockets and a real event loop (no KVM): the host's CONNECT
 * handshake, data both ways, a guest connection to {@code <uds_path>_<port>}, and the socket file's
 * life.
 */
class UnixVsockHostIT {
  private static final long CID = 3;

  @TempDir Path dir;
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(16 << 20);
  private final MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 256, 0x40_0000, 0x40_0000);
  private final MockVirtQueue tx = new MockVirtQueue(memory, 0x6000, 256, 0x80_0000, 0x40_0000);
  private final MockVirtQueue ev = new MockVirtQueue(memory, 0xB000, 16, 0xC0_0000, 0x1_0000);
  private final List<MockVirtQueue.Buffer> offered = new ArrayList<>();
  private EventLoop loop;
  private Thread loopThread;
  private UnixVsockHost host;
  private MmioDriver driver;
  private VirtioMmioTransport transport;
  private Path uds;
  private int seen;

  @BeforeEach
  void start() {
    uds = dir.resolve("v.sock");
    loop = new EventLoop(e -> e.printStackTrace());
    loopThread = Thread.ofPlatform().name("test-loop").start(loop::run);
    host = UnixVsockHost.bind(uds, loop);
    VirtioVsock device = new VirtioVsock(CID, host, new Counters("vsock"));
    transport = new VirtioMmioTransport(device, memory, () -> {});
    driver = new MmioDriver(transport);
    driver.initialize(VirtioFeatures.VERSION_1, rx, tx, ev);
    for (int i = 0; i < 16; i++) {
      MockVirtQueue.Buffer buffer = rx.writable(VsockHeader.SIZE + 4096);
      offered.add(buffer);
      rx.add(buffer);
    }
    // Notifications come from the loop, as from an ioeventfd.
    loop.execute(() -> transport.notifyQueue(VirtioVsock.RX_QUEUE));
  }

  @AfterEach
  void stop() throws Exception {
    host.close();
    loop.stop();
    loopThread.join(5_000);
    loop.close();
  }

  private void send(VsockOp op, int srcPort, int dstPort, byte[] data) {
    VsockHeader header =
        new VsockHeader(CID, 2, srcPort, dstPort, data.length, 1, op.code(), 0, 256 * 1024, 0);
    ByteBuffer packet = ByteBuffer.allocate(VsockHeader.SIZE + data.length);
    header.write(packet);
    packet.put(data);
    tx.add(tx.readable(packet.array()));
    loop.execute(() -> transport.notifyQueue(VirtioVsock.TX_QUEUE));
  }

  /** The next packet the device put in an rx buffer, waiting up to 10 s. */
  private record Received(VsockHeader header, byte[] data) {}

  private Received next() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rx.usedIdx() == seen) {
      assertThat(System.nanoTime()).as("a packet within 10 s").isLessThan(deadline);
      Thread.sleep(1);
    }
    MockVirtQueue.Used used = rx.used(seen++);
    long address = memory.readLong(rx.layout().descTable() + 16L * used.id());
    MockVirtQueue.Buffer buffer =
        offered.stream().filter(b -> b.address() == address).findFirst().orElseThrow();
    byte[] bytes = Arrays.copyOf(rx.bytes(buffer), (int) used.length());
    MockVirtQueue.Buffer again = rx.writable(VsockHeader.SIZE + 4096);
    offered.add(again);
    rx.add(again);
    loop.execute(() -> transport.notifyQueue(VirtioVsock.RX_QUEUE));
    return new Received(
        VsockHeader.read(ByteBuffer.wrap(bytes)),
        Arrays.copyOfRange(bytes, VsockHeader.SIZE, bytes.length));
  }

  @Test
  void aHostProcessConnectsAndExchangesData() throws Exception {
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
      client.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
      Received request = next();
      assertThat(request.header().op()).isEqualTo(VsockOp.REQUEST.code());
      int hostPort = request.header().srcPort();
      send(VsockOp.RESPONSE, 52, hostPort, new byte[0]);
      ByteBuffer ok = ByteBuffer.allocate(14);
      while (ok.hasRemaining()) {
        client.read(ok);
      }
      assertThat(new String(ok.array(), StandardCharsets.US_ASCII)).isEqualTo("OK 1073741824\n");

      client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
      Received data = next();
      assertThat(data.header().op()).isEqualTo(VsockOp.RW.code());
      assertThat(new String(data.data(), StandardCharsets.US_ASCII)).isEqualTo("ping");

      send(VsockOp.RW, 52, hostPort, "pong".getBytes(StandardCharsets.US_ASCII));
      ByteBuffer pong = ByteBuffer.allocate(4);
      while (pong.hasRemaining()) {
        client.read(pong);
      }
      assertThat(new String(pong.array(), StandardCharsets.US_ASCII)).isEqualTo("pong");
    }
    Received shutdown = next();
    assertThat(shutdown.header().op()).as("the host closed").isEqualTo(VsockOp.SHUTDOWN.code());
  }

  @Test
  void aGuestConnectsToTheSocketForItsPort() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(uds + "_53"));
      send(VsockOp.REQUEST, 1024, 53, new byte[0]);
      assertThat(next().header().op()).isEqualTo(VsockOp.RESPONSE.code());
      try (SocketChannel accepted = server.accept()) {
        send(VsockOp.RW, 1024, 53, "hello".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer got = ByteBuffer.allocate(5);
        while (got.hasRemaining()) {
          accepted.read(got);
        }
        assertThat(new String(got.array(), StandardCharsets.US_ASCII)).isEqualTo("hello");
      }
      assertThat(next().header().op()).isEqualTo(VsockOp.SHUTDOWN.code());
    }
    send(VsockOp.REQUEST, 1025, 54, new byte[0]);
    assertThat(next().header().op()).as("nobody at _54").isEqualTo(VsockOp.RST.code());
  }

  @Test
  void theSocketFileAndTheConnectionsLiveAsLongAsTheDevice() throws Exception {
    assertThat(uds).exists();
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
      client.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
      assertThat(next().header().op()).isEqualTo(VsockOp.REQUEST.code());
      loop.stop();
      loopThread.join(5_000);
      host.close();
      assertThat(client.read(ByteBuffer.allocate(1))).as("end of stream").isEqualTo(-1);
    }
    assertThat(uds).doesNotExist();
  }
}
