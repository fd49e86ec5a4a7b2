package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Namespaces;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace with a TAP device {@code tap0} at {@link #HOST_IP}, and the guest's address
 * and MAC as a static neighbour, so the net guest's traffic never leaves the namespace. A VMM opens
 * the TAP from inside it (QEMU under {@code ip netns exec}, updraft on a thread that entered it).
 */
public final class TapNamespace implements AutoCloseable {
  public static final String HOST_IP = "10.20.0.1";
  public static final String GUEST_IP = "10.20.0.2";
  public static final String GUEST_MAC = "52:54:00:12:34:56";
  public static final String TAP = "tap0";
  public static final int PORT = 5000;

  private final String name;

  private TapNamespace(String name) {
    this.name = name;
  }

  /** Creates namespace {@code name} (removing a stale one first) with its TAP. */
  public static TapNamespace create(String name) throws Exception {
    new ProcessBuilder("ip", "netns", "del", name).start().waitFor();
    exec("ip", "netns", "add", name);
    TapNamespace ns = new TapNamespace(name);
    exec("ip", "-n", name, "tuntap", "add", "dev", TAP, "mode", "tap");
    // No IPv6 neighbour discovery chatter for the guest to skip.
    exec("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    exec("ip", "-n", name, "link", "set", TAP, "up");
    exec("ip", "-n", name, "addr", "add", HOST_IP + "/24", "dev", TAP);
    exec("ip", "-n", name, "neigh", "add", GUEST_IP, "lladdr", GUEST_MAC, "dev", TAP);
    return ns;
  }

  public String name() {
    return name;
  }

  /** Routes {@code destination} (an address or a prefix) through the TAP. */
  public void route(String destination) throws Exception {
    exec("ip", "-n", name, "route", "add", destination, "dev", TAP);
  }

  /**
   * Runs {@code command} inside the namespace ({@code ip netns exec}) and returns its output; fails
   * on a non-zero exit.
   */
  public String run(String... command) throws Exception {
    String[] full = new String[command.length + 4];
    full[0] = "ip";
    full[1] = "netns";
    full[2] = "exec";
    full[3] = name;
    System.arraycopy(command, 0, full, 4, command.length);
    return new String(exec(full), StandardCharsets.UTF_8);
  }

  /** The TAP's own MAC, which the guest sends to. */
  public String tapMac() throws Exception {
    return new String(
            exec("ip", "netns", "exec", name, "cat", "/sys/class/net/" + TAP + "/address"),
            StandardCharsets.US_ASCII)
        .trim();
  }

  /** The net guest's command line for this namespace. */
  public String guestArgs(String send) throws Exception {
    return "send="
        + send
        + " ip="
        + GUEST_IP
        + " peer_ip="
        + HOST_IP
        + " port="
        + PORT
        + " peer_mac="
        + tapMac();
  }

  /** Runs {@code task} on a new thread inside the namespace (setns moves only that thread). */
  public <T> T inside(Callable<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Namespaces.enterNetwork(Path.of("/run/netns", name));
                result.complete(task.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result.get(60, TimeUnit.SECONDS);
  }

  /** A UDP socket on the host's end, inside the namespace. */
  public DatagramChannel udpSocket() throws Exception {
    return inside(
        () -> {
          DatagramChannel channel = DatagramChannel.open();
          channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
          channel.bind(new InetSocketAddress(HOST_IP, PORT));
          return channel;
        });
  }

  /** One datagram's text, waiting up to 30 s. */
  public static String receive(DatagramChannel channel) throws Exception {
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

  public static void send(DatagramChannel channel, String text) throws Exception {
    channel.send(
        ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)),
        new InetSocketAddress(GUEST_IP, PORT));
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      exec("ip", "netns", "del", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException(e);
    }
  }

  static byte[] exec(String... command) throws java.io.IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor())
        .as(String.join(" ", command) + ": " + new String(output, StandardCharsets.UTF_8))
        .isZero();
    return output;
  }
}
