package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.Namespaces;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The net guest under QEMU through a real TAP device. The TAP device, its address and QEMU live in
 * a network namespace the test makes, so the guest's traffic never leaves it; the host's end is an
 * ordinary UDP socket opened in that namespace.
 */
@Tag("kvm")
@Tag("root")
@EnabledIf(
    value = "available",
    disabledReason = "needs root, ip (iproute2), /dev/net/tun, /dev/kvm, qemu-system-x86_64, gcc")
class QemuNetIT {
  private static final String HOST_IP = "10.20.0.1";
  private static final String GUEST_IP = "10.20.0.2";
  private static final String GUEST_MAC = "52:54:00:12:34:56";
  private static final int PORT = 5000;
  private final String namespace = "updraft-guest-" + ProcessHandle.current().pid();

  static boolean available() {
    return QemuGuestIT.available() && Host.tapAvailable() && Host.hasCommand("ip");
  }

  @BeforeEach
  void namespaceWithATap() throws Exception {
    // A namespace left behind by a killed run of this process id would make "add" fail.
    new ProcessBuilder("ip", "netns", "del", namespace).start().waitFor();
    run("ip", "netns", "add", namespace);
    run("ip", "-n", namespace, "tuntap", "add", "dev", "tap0", "mode", "tap");
    // No IPv6 neighbour discovery chatter for the guest to skip.
    run("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    run("ip", "-n", namespace, "link", "set", "tap0", "up");
    run("ip", "-n", namespace, "addr", "add", HOST_IP + "/24", "dev", "tap0");
    run("ip", "-n", namespace, "neigh", "add", GUEST_IP, "lladdr", GUEST_MAC, "dev", "tap0");
  }

  @AfterEach
  void removeNamespace() throws Exception {
    run("ip", "netns", "del", namespace);
  }

  @Test
  void framesGoBothWaysThroughATap() throws Exception {
    String tapMac =
        new String(
                exec("ip", "netns", "exec", namespace, "cat", "/sys/class/net/tap0/address"),
                StandardCharsets.US_ASCII)
            .trim();
    CompletableFuture<DatagramChannel> socket = new CompletableFuture<>();
    // setns moves only the calling thread, so the socket is made on a thread of its own.
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Namespaces.enterNetwork(Path.of("/run/netns", namespace));
                DatagramChannel channel = DatagramChannel.open();
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(HOST_IP, PORT));
                socket.complete(channel);
              } catch (Throwable t) {
                socket.completeExceptionally(t);
              }
            });
    try (DatagramChannel channel = socket.get(10, TimeUnit.SECONDS);
        Qemu qemu =
            Qemu.start(
                QemuGuestIT.guest("net")
                    .withPrefix("ip", "netns", "exec", namespace)
                    .withCmdline(
                        "send=hello-from-guest ip="
                            + GUEST_IP
                            + " peer_ip="
                            + HOST_IP
                            + " port="
                            + PORT
                            + " peer_mac="
                            + tapMac)
                    .with(
                        "-netdev",
                        "tap,id=n0,ifname=tap0,script=no,downscript=no",
                        "-device",
                        "virtio-net-device,netdev=n0,mac=" + GUEST_MAC))) {
      assertThat(receive(channel)).isEqualTo("hello-from-guest");
      channel.send(
          ByteBuffer.wrap("hello-from-host".getBytes(StandardCharsets.US_ASCII)),
          new InetSocketAddress(GUEST_IP, PORT));
      assertThat(receive(channel)).as("the guest's echo").isEqualTo("hello-from-host");

      Qemu.Result result = qemu.await(QemuGuestIT.TIMEOUT);
      System.out.printf("qemu guest net: %d ms wall%n", result.wall().toMillis());
      GuestReport report =
          result.report().requirePassed("net-found", "net-send", "net-receive", "net-echo");
      assertThat(report.require("recv")).isEqualTo("hello-from-host");
      assertThat(report.require("mac")).isEqualTo(GUEST_MAC);
    }
  }

  private static String receive(DatagramChannel channel) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    CompletableFuture<String> received =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                channel.receive(buffer);
                buffer.flip();
                return StandardCharsets.US_ASCII.decode(buffer).toString();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    return received.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
  }

  private static byte[] exec(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor())
        .as(String.join(" ", command) + ": " + new String(output))
        .isZero();
    return output;
  }

  private static void run(String... command) throws Exception {
    exec(command);
  }
}
