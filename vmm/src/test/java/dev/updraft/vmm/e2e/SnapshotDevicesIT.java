package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.JavaProcesses;
import dev.updraft.vmm.testing.TapNamespace;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Snapshots of the devices whose host side is not in the state file, on {@code updraft vm}
 * processes driven by curl as Firecracker's guides do: vsock (the restored guest gets a transport
 * reset, the host socket is made anew where {@code vsock_override} says, new connections work both
 * ways) and MMDS (the restored interface answers V2 from the new process's store).
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class SnapshotDevicesIT {
  private static final int BYTES = 64 * 1024;
  private static final String[] JSON = {
    "Accept: application/json", "Content-Type: application/json"
  };

  @TempDir Path dir;
  private final List<VmmOnKvm> vmms = new ArrayList<>();
  private TapNamespace ns;

  @AfterEach
  void kill() throws IOException {
    for (VmmOnKvm vmm : vmms) {
      vmm.close();
      System.out.println("console of " + vmm.socket + ":\n" + vmm.consoleText());
    }
    if (ns != null) {
      ns.close();
    }
  }

  static boolean tapAvailable() {
    return Host.kvmAvailable() && Host.tapAvailable();
  }

  @Test
  void aRestoredVsockGuestIsResetAndTakesNewConnectionsAtTheOverriddenSocket() throws Exception {
    Path before = dir.resolve("v.sock");
    Path after = dir.resolve("w.sock");
    VmmOnKvm a = start("a", List.of());
    a.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("vsock")
            + "\", \"boot_args\": \"snapshot=1 wait_ms=60000 bytes="
            + BYTES
            + "\"}");
    assertThat(
            a.curl("PUT", "/vsock", "{\"guest_cid\": 3, \"uds_path\": \"" + before + "\"}", JSON))
        .isEqualTo("204");
    a.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    a.awaitConsole("ready");
    try (SocketChannel old = SocketChannel.open(UnixDomainSocketAddress.of(before))) {
      old.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
      assertThat(readLine(old)).startsWith("OK ");
      a.awaitConsole("snapshot-me");
      a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
      a.expect204("PUT", "/snapshot/create", create());
      a.close();
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(old.read(ByteBuffer.allocate(16)))
          .as("the connection made before the snapshot ends with its process")
          .isEqualTo(-1);
    }
    assertThat(a.consoleText()).contains("ok vsock-before-snapshot");
    assertThat(describe()).isEqualTo("v1.3.0\n");

    try (ServerSocketChannel guestSide = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      guestSide.bind(UnixDomainSocketAddress.of(after + "_53"));
      ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
      CompletableFuture<Long> echoed =
          CompletableFuture.supplyAsync(() -> echoOne(guestSide), threads);
      VmmOnKvm b = start("b", List.of());
      assertThat(before).as("left by the killed process").exists();
      assertThat(b.curl("PUT", "/snapshot/load", load("")))
          .as("the saved uds_path is taken")
          .startsWith("400 ")
          .contains("Failed to restore from snapshot: uds_path: " + before + ": ");
      b.expect204(
          "PUT",
          "/snapshot/load",
          load(", \"vsock_override\": {\"uds_path\": \"" + after + "\"}, \"resume_vm\": true"));
      assertThat(after).as("the restored VMM listens at the override").exists();
      assertThat(b.curl("GET", "/vm/config", null))
          .contains("\"vsock\":{\"guest_cid\":3,\"uds_path\":\"" + after + "\"}");
      b.awaitConsole("ok vsock-reset");

      byte[] sent = new byte[BYTES];
      new Random(52).nextBytes(sent);
      try (SocketChannel host = SocketChannel.open(UnixDomainSocketAddress.of(after))) {
        host.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readLine(host)).isEqualTo("OK 1073741824");
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
        assertThat(readFully(host, BYTES)).as("the restored guest's echo").isEqualTo(sent);
        writer.get(60, TimeUnit.SECONDS);
      }
      assertThat(b.awaitExit()).isZero();
      assertThat(echoed.get(10, TimeUnit.SECONDS)).as("bytes echoed to the guest").isEqualTo(BYTES);
      threads.shutdown();
      GuestReport report =
          GuestReport.parse(b.consoleText())
              .requirePassed(
                  "vsock-reset",
                  "vsock-host-accept",
                  "vsock-host-echo",
                  "vsock-connect",
                  "vsock-roundtrip",
                  "vsock-shutdown",
                  "vsock-refused");
      assertThat(report.require("roundtrip_bytes")).isEqualTo(Integer.toString(BYTES));
    }
  }

  @Test
  @EnabledIf(value = "tapAvailable", disabledReason = "needs root and /dev/net/tun")
  @NeedsProgram(value = "ip", debian = "iproute2")
  void aRestoredVmAnswersMmdsV2FromTheNewProcesssStore() throws Exception {
    ns = TapNamespace.create("updraft-snapmmds-" + ProcessHandle.current().pid());
    List<String> inNamespace = List.of("ip", "netns", "exec", ns.name());
    VmmOnKvm a = start("a", inNamespace);
    a.expect204(
        "PUT",
        "/network-interfaces/eth0",
        "{\"iface_id\": \"eth0\", \"guest_mac\": \"AA:FC:00:00:00:01\", \"host_dev_name\":"
            + " \"tap0\"}");
    a.expect204(
        "PUT",
        "/mmds/config",
        "{\"network_interfaces\": [\"eth0\"], \"version\": \"V2\", \"ipv4_address\":"
            + " \"169.254.170.2\"}");
    a.expect204("PUT", "/mmds", metadata("ami-before"));
    a.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("mmds")
            + "\", \"boot_args\": \"wait_input=1 mmds_ip=169.254.170.2 expect=ami-after\"}");
    a.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    a.awaitConsole("ready");
    a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    a.expect204("PUT", "/snapshot/create", create());
    a.close();
    assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("vm.state"), StandardCharsets.ISO_8859_1))
        .as("the data store is not in the state file, as in Firecracker")
        .doesNotContain("ami-before");

    VmmOnKvm b = start("b", inNamespace);
    b.expect204("PUT", "/snapshot/load", load(""));
    assertThat(b.curl("GET", "/vm/config", null))
        .contains(
            "\"mmds-config\":{\"version\":\"V2\",\"network_interfaces\":[\"eth0\"],"
                + "\"ipv4_address\":\"169.254.170.2\"");
    assertThat(b.curl("GET", "/mmds", null)).isEqualTo("200 {}");
    b.expect204("PUT", "/mmds", metadata("ami-after"));
    b.expect204("PATCH", "/vm", "{\"state\": \"Resumed\"}");
    try (OutputStream console = b.process.getOutputStream()) {
      console.write('g');
      console.flush();
    }
    assertThat(b.awaitExit()).isZero();
    GuestReport report =
        GuestReport.parse(b.consoleText())
            .requirePassed(
                "mmds-input",
                "mmds-arp",
                "mmds-synack",
                "mmds-token",
                "mmds-get",
                "mmds-unauthorized",
                "mmds-close");
    assertThat(report.require("value")).isEqualTo("ami-after");
  }

  private VmmOnKvm start(String name, List<String> prefix) throws Exception {
    // The VMM's log in a file of its own: on stdout a log line could split a guest's report line.
    Path log = Files.createFile(dir.resolve(name + ".log"));
    VmmOnKvm vm =
        VmmOnKvm.start(
            prefix,
            dir.resolve(name + ".sock"),
            dir.resolve(name + ".out"),
            "--log-path",
            log.toString());
    vmms.add(vm);
    return vm;
  }

  private String describe() throws Exception {
    Process describe =
        JavaProcesses.java(VmmMain.class, "--describe-snapshot", dir.resolve("vm.state").toString())
            .redirectErrorStream(true)
            .start();
    return new String(describe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String metadata(String amiId) {
    return "{\"latest\": {\"meta-data\": {\"ami-id\": \"" + amiId + "\"}}}";
  }

  private String create() {
    return "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
        + dir.resolve("vm.state")
        + "\", \"mem_file_path\": \""
        + dir.resolve("vm.mem")
        + "\"}";
  }

  private String load(String more) {
    return "{\"snapshot_path\": \""
        + dir.resolve("vm.state")
        + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
        + dir.resolve("vm.mem")
        + "\"}"
        + more
        + "}";
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
