package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's vsock guide against {@code updraft vm} on real KVM, with the freestanding vsock
 * guest in place of Linux: curl configures the device as the guide does; a host process connects to
 * {@code uds_path}, says {@code CONNECT 52}, hears {@code OK <port>} and sends 1 MiB that the guest
 * echoes; then the guest connects to {@code <uds_path>_53}, where this test echoes 1 MiB back, and
 * to port 54, where nobody listens and it is reset.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class VsockIT {
  private static final int MIB = 1 << 20;
  private static final String[] JSON = {
    "Accept: application/json", "Content-Type: application/json"
  };

  @TempDir Path dir;
  private VmmOnKvm vmm;

  @AfterEach
  void kill() throws IOException {
    if (vmm != null) {
      vmm.close();
      // What the guest said, for a failure to explain itself in the test's output.
      System.out.println("console:\n" + vmm.consoleText());
    }
  }

  @Test
  void streamsGoBothWaysBetweenHostSocketsAndTheGuest() throws Exception {
    Path uds = dir.resolve("v.sock");
    vmm = VmmOnKvm.start(dir.resolve("fc.sock"), dir.resolve("console.txt"));
    assertThat(
            vmm.curl(
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \""
                    + GuestImages.pvh("vsock")
                    + "\", \"boot_args\": \"console=ttyS0 reboot=k panic=1\"}"))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/vsock", "{\"guest_cid\": 3, \"uds_path\": \"" + uds + "\"}", JSON))
        .isEqualTo("204");
    assertThat(vmm.curl("GET", "/vm/config", null))
        .contains("\"vsock\":{\"guest_cid\":3,\"uds_path\":\"" + uds + "\"}");

    try (ServerSocketChannel guestSide = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      guestSide.bind(UnixDomainSocketAddress.of(uds + "_53"));
      // Own threads: the common pool has one worker on two cores, and both of these block.
      ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
      CompletableFuture<Long> echoed =
          CompletableFuture.supplyAsync(() -> echoOne(guestSide), threads);
      assertThat(vmm.curl("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}", JSON))
          .isEqualTo("204");
      vmm.awaitConsole("ready");
      assertThat(uds).as("the VMM listens at uds_path").exists();

      long started = System.nanoTime();
      byte[] sent = new byte[MIB];
      new Random(52).nextBytes(sent);
      byte[] back;
      String ok;
      try (SocketChannel host = SocketChannel.open(UnixDomainSocketAddress.of(uds))) {
        host.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
        ok = readLine(host);
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    ByteBuffer out = ByteBuffer.wrap(sent);
                    while (out.hasRemaining()) {
                      host.write(out);
                    }
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads);
        back = readFully(host, MIB);
        writer.get(60, TimeUnit.SECONDS);
      }
      long hostMicros = (System.nanoTime() - started) / 1_000;
      assertThat(ok).isEqualTo("OK 1073741824");
      assertThat(back).as("the guest's echo of 1 MiB").isEqualTo(sent);

      assertThat(vmm.awaitExit()).isZero();
      assertThat(echoed.get(10, TimeUnit.SECONDS)).as("bytes echoed to the guest").isEqualTo(MIB);
      GuestReport report =
          GuestReport.parse(vmm.consoleText())
              .requirePassed(
                  "vsock-found",
                  "vsock-cid",
                  "vsock-host-accept",
                  "vsock-host-echo",
                  "vsock-connect",
                  "vsock-roundtrip",
                  "vsock-shutdown",
                  "vsock-refused");
      assertThat(report.require("host_echo_bytes")).isEqualTo(Integer.toString(MIB));
      assertThat(report.require("roundtrip_bytes")).isEqualTo(Integer.toString(MIB));
      threads.shutdown();
      System.out.printf(
          "vsock 1 MiB round trips: host-initiated %d us (%.1f MiB/s each way), guest-initiated"
              + " %s us (%s MiB/s both ways, as the guest measured)%n",
          hostMicros,
          1e6 / hostMicros,
          report.require("roundtrip_us"),
          report.require("roundtrip_mib_per_s"));
    }
    assertThat(uds).as("the VMM removes its socket when it ends").doesNotExist();
  }

  /** Accepts one connection and echoes it until end of stream; returns the bytes echoed. */
  private static long echoOne(ServerSocketChannel server) {
    try (SocketChannel peer = server.accept()) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long total = 0;
      while (peer.read(buffer) >= 0) {
        buffer.flip();
        total += buffer.remaining();
        while (buffer.hasRemaining()) {
          peer.write(buffer);
        }
        buffer.clear();
      }
      return total;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readLine(SocketChannel channel) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (channel.read(one.clear()) == 1 && one.get(0) != '\n') {
      line.append((char) one.get(0));
    }
    return line.toString();
  }

  private static byte[] readFully(SocketChannel channel, int length) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(length);
    while (in.hasRemaining() && channel.read(in) >= 0) {
      // until the buffer is full or the stream ends
    }
    return in.array();
  }
}
