package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** SO_ORIGINAL_DST for real: an nft REDIRECT rule inside a network namespace made for the test. */
@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#isRoot",
    disabledReason = "needs root to make a network namespace and its nft rules")
@NeedsProgram(value = "ip", debian = "iproute2")
@NeedsProgram(value = "nft", debian = "nftables")
class OriginalDestinationIT {
  private final String namespace = "updraft-sys-" + ProcessHandle.current().pid();

  @BeforeEach
  void createNamespace() throws Exception {
    run("ip", "netns", "add", namespace);
    run("ip", "-n", namespace, "link", "set", "lo", "up");
    run(
        "ip",
        "netns",
        "exec",
        namespace,
        "nft",
        "add table ip nat; "
            + "add chain ip nat output { type nat hook output priority -100; }; "
            + "add rule ip nat output tcp dport 9999 redirect to :8888");
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    run("ip", "netns", "del", namespace);
  }

  @Test
  void redirectedConnectionRevealsTheAddressTheClientDialled() throws Exception {
    CompletableFuture<InetSocketAddress> original = new CompletableFuture<>();
    // setns moves only the calling thread, so the whole exchange runs on one platform thread.
    Thread inside =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Namespaces.enterNetwork(Path.of("/run/netns", namespace));
                    InetAddress loopback = InetAddress.getByName("127.0.0.1");
                    try (Fd listener =
                            Sockets.listenTcp4(new InetSocketAddress(loopback, 8888), 4);
                        SocketChannel client =
                            SocketChannel.open(new InetSocketAddress(loopback, 9999));
                        Fd accepted = Sockets.accept(listener)) {
                      assertThat(client.isConnected()).isTrue();
                      original.complete(Sockets.originalDestination(accepted.value()));
                    }
                  } catch (Throwable t) {
                    original.completeExceptionally(t);
                  }
                });
    assertThat(original.get(10, TimeUnit.SECONDS))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9999));
    inside.join();
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
  }
}
