package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.sys.Namespaces;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transparent mode for real: inside a network namespace made by the test, an nft rule redirects
 * connections to port 8080 to the proxy's 4140, except the proxy's own (marked 0x2102); the proxy
 * reads SO_ORIGINAL_DST and forwards to the backend the client dialled.
 */
@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#isRoot",
    disabledReason = "needs root to make a network namespace and its nft rules")
@NeedsProgram(value = "ip", debian = "iproute2")
@NeedsProgram(value = "nft", debian = "nftables")
class TransparentIT {
  private static final int MARK = 0x2102;
  private final String namespace = "updraft-mesh-" + ProcessHandle.current().pid();
  @TempDir Path dir;
  private Process proxy;

  @BeforeEach
  void namespaceAndProxy() throws Exception {
    run("ip", "netns", "add", namespace);
    run("ip", "-n", namespace, "link", "set", "lo", "up");
    run(
        "ip",
        "netns",
        "exec",
        namespace,
        "nft",
        "add table ip nat; add chain ip nat output { type nat hook output priority -100; }; "
            + "add rule ip nat output tcp dport 8080 meta mark != "
            + MARK
            + " redirect to :4140");
    Path config = dir.resolve("mesh.yaml");
    Files.writeString(
        config,
        """
        admin: 127.0.0.1:4191
        upstreamMark: %d
        listeners: [{name: outbound, address: "127.0.0.1:4140", mode: transparent}]
        """
            .formatted(MARK));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    proxy =
        new ProcessBuilder(
                List.of(
                    "ip",
                    "netns",
                    "exec",
                    namespace,
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.updraft.mesh.testing.ProxyMain",
                    config.toString()))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("ready")) {
      // skip start-up output
    }
    assertThat(line).as("proxy started in the namespace").isEqualTo("ready");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (proxy != null) {
      proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    run("ip", "netns", "del", namespace);
  }

  @Test
  void redirectedConnectionsReachTheAddressTheClientDialled() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread inside =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Namespaces.enterNetwork(Path.of("/run/netns", namespace));
                    try (TestBackend backend =
                        TestBackend.start(
                            8080,
                            exchange ->
                                TestBackend.respond(
                                    exchange, 200, "from the original destination"))) {
                      String response = http(8080, "/hello");
                      String metrics = http(4191, "/metrics");
                      result.complete(
                          response
                              + "\n----\n"
                              + metrics
                              + "\nbackend requests: "
                              + backend.requests());
                    }
                  } catch (Throwable t) {
                    result.completeExceptionally(t);
                  }
                });
    String text = result.get(30, TimeUnit.SECONDS);
    inside.join();
    assertThat(text)
        .startsWith("HTTP/1.1 200")
        .contains("from the original destination")
        .contains("target_addr=\"127.0.0.1:8080\"")
        .contains("backend requests: 1");
  }

  private static String http(int port, String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").getBytes());
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }
}
