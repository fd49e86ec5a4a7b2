package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.VmResources;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API on a real Unix socket, driven by curl as Firecracker's getting-started guide does. */
@NeedsProgram(value = "curl", debian = "curl")
class ApiServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private VmmProcess start(String... extra) throws Exception {
    Path socket = dir.resolve("fc.sock");
    List<String> args = new ArrayList<>(List.of("--api-sock", socket.toString(), "--id", "it-vm"));
    args.addAll(List.of(extra));
    return VmmProcess.start(socket, args.toArray(String[]::new)).awaitSocket();
  }

  @Test
  void firecrackersGettingStartedSequence() throws Exception {
    Path kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
    Path rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "rootfs");
    Path log = dir.resolve("firecracker.log");
    Files.createFile(log);
    try (VmmProcess vmm = start()) {
      assertThat(
              vmm.put(
                      "/logger",
                      "{\"log_path\": \""
                          + log
                          + "\", \"level\": \"Debug\", \"show_level\": true, \"show_log_origin\": true}")
                  .status())
          .isEqualTo(204);
      assertThat(
              vmm.put(
                      "/boot-source",
                      "{\"kernel_image_path\": \""
                          + kernel
                          + "\", \"boot_args\": \"console=ttyS0 reboot=k panic=1\"}")
                  .status())
          .isEqualTo(204);
      assertThat(
              vmm.put(
                      "/drives/rootfs",
                      "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
                          + rootfs
                          + "\", \"is_root_device\": true, \"is_read_only\": false}")
                  .status())
          .isEqualTo(204);
      assertThat(vmm.put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 1024}").status())
          .isEqualTo(204);
      assertThat(
              vmm.put(
                      "/network-interfaces/net1",
                      "{\"iface_id\": \"net1\", \"guest_mac\": \"06:00:AC:10:00:02\", \"host_dev_name\": \"tap0\"}")
                  .status())
          .isEqualTo(204);
      assertThat(vmm.put("/actions", "{\"action_type\": \"InstanceStart\"}").status())
          .isEqualTo(204);

      VmResources started = vmm.hypervisor.started().getFirst();
      assertThat(started.machine().vcpuCount()).isEqualTo(2);
      assertThat(started.machine().memSizeMib()).isEqualTo(1024);
      assertThat(started.bootSource().effectiveBootArgs())
          .isEqualTo("console=ttyS0 reboot=k panic=1");
      assertThat(started.drives()).extracting(Drive::driveId).containsExactly("rootfs");
      assertThat(started.networkInterfaces().getFirst().guestMac())
          .hasToString("06:00:ac:10:00:02");
      assertThat(JSON.readTree(vmm.get("/").body()).get("state").asText()).isEqualTo("Running");
      assertThat(vmm.put("/actions", "{\"action_type\": \"SendCtrlAltDel\"}").status())
          .isEqualTo(204);
      assertThat(vmm.hypervisor.vm().calls()).containsExactly("sendCtrlAltDel");

      vmm.hypervisor.vm().end(0, "guest reset through i8042");
      assertThat(vmm.awaitExit()).isZero();
      assertThat(vmm.socket).doesNotExist();
    }
    String logged = Files.readString(log);
    assertThat(logged)
        .contains("[it-vm:fc_api:INFO:dev/updraft/vmm/api/ApiDispatcher.java:")
        .contains("The API server received a Put request on \"/actions\"")
        .contains(":DEBUG:")
        .contains("Total previous API call duration:")
        .contains("Vmm is stopping: guest reset through i8042 (exit code 0)");
  }

  @Test
  void badRequestsGet400AndTheServerKeepsServing() throws Exception {
    try (VmmProcess vmm = start("--http-api-max-payload-size", "1000")) {
      VmmProcess.Reply big =
          vmm.put("/boot-source", "{\"boot_args\": \"" + "x".repeat(5000) + "\"}");
      assertThat(big.status()).isEqualTo(400);
      assertThat(big.body()).contains("is larger than the limit of 1000 allowed by server.");
      VmmProcess.Reply malformed = vmm.put("/machine-config", "{\"vcpu_count\": ");
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.body())
          .startsWith(
              "{\"fault_message\":\"An error occurred when deserializing the json body of a request: ");
      VmmProcess.Reply unknown =
          vmm.put(
              "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 1, \"ht_enabled\": true}");
      assertThat(unknown.body()).contains("ht_enabled: unknown field");
      VmmProcess.Reply path = vmm.get("/no/such/path");
      assertThat(path.status()).isEqualTo(400);
      assertThat(path.body())
          .isEqualTo(
              "{\"fault_message\":\"Invalid request method and/or path: GET /no/such/path.\"}");
      assertThat(raw(vmm.socket, "BREW /coffee HTCPCP/1.0\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(raw(vmm.socket, "\0\0\0\0\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(vmm.get("/version").status()).isEqualTo(200);
    }
  }

  @Test
  void clientsCanHoldConnectionsSideBySide() throws Exception {
    try (VmmProcess vmm = start();
        SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(vmm.socket));
        SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(vmm.socket))) {
      assertThat(exchange(first, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 200 OK");
      assertThat(exchange(second, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n"))
          .contains("firecracker_version");
      assertThat(exchange(first, "GET /machine-config HTTP/1.1\r\nHost: x\r\n\r\n"))
          .contains("\"vcpu_count\":1");
      assertThat(vmm.get("/").status()).isEqualTo(200);
    }
  }

  @Test
  void atMostTenClientsAtOnce() throws Exception {
    try (VmmProcess vmm = start()) {
      List<SocketChannel> open = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(vmm.socket));
          open.add(channel);
          assertThat(exchange(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
              .startsWith("HTTP/1.1 200");
        }
        try (SocketChannel eleventh = SocketChannel.open(UnixDomainSocketAddress.of(vmm.socket))) {
          assertThat(readAll(eleventh))
              .startsWith("HTTP/1.1 503")
              .contains("Too many open connections");
        }
      } finally {
        for (SocketChannel channel : open) {
          channel.close();
        }
      }
      Thread.sleep(200);
      assertThat(vmm.get("/").status()).isEqualTo(200);
    }
  }

  @Test
  void metricsLinesAtInstanceStartAndOnFlush() throws Exception {
    Path kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
    Path rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "rootfs");
    Path metrics = dir.resolve("metrics.json");
    try (VmmProcess vmm = start("--metrics-path", metrics.toString())) {
      assertThat(vmm.put("/metrics", "{\"metrics_path\": \"" + metrics + "\"}").body())
          .contains("Metrics error: Reinitialization of metrics not allowed.");
      vmm.put("/boot-source", "{\"kernel_image_path\": \"" + kernel + "\"}");
      vmm.put(
          "/drives/rootfs",
          "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
              + rootfs
              + "\", \"is_root_device\": true}");
      vmm.put("/actions", "{\"action_type\": \"InstanceStart\"}");
      List<String> lines = Files.readAllLines(metrics);
      assertThat(lines).hasSize(1);
      JsonNode first = JSON.readTree(lines.getFirst());
      assertThat(first.at("/put_api_requests/actions_count").asLong()).isEqualTo(1);
      assertThat(first.at("/put_api_requests/metrics_fails").asLong()).isEqualTo(1);
      assertThat(first.at("/api_server/process_startup_time_us").asLong()).isPositive();
      assertThat(first.has("block_rootfs")).isTrue();
      assertThat(first.has("uart")).isTrue();

      vmm.hypervisor.vm().group("block_rootfs").add("read_count", 42);
      assertThat(vmm.put("/actions", "{\"action_type\": \"FlushMetrics\"}").status())
          .isEqualTo(204);
      lines = Files.readAllLines(metrics);
      assertThat(lines).hasSize(2);
      JsonNode second = JSON.readTree(lines.get(1));
      assertThat(second.at("/block_rootfs/read_count").asLong()).isEqualTo(42);
      assertThat(second.at("/block/read_count").asLong()).isEqualTo(42);
      assertThat(second.at("/put_api_requests/actions_count").asLong()).isEqualTo(1);
    }
  }

  @Test
  void anExistingSocketPathIsRefused() throws Exception {
    Path socket = Files.createFile(dir.resolve("taken.sock"));
    VmmProcess vmm = VmmProcess.start(socket, "--api-sock", socket.toString());
    assertThat(vmm.awaitExit()).isEqualTo(ExitCode.GENERIC_ERROR);
    assertThat(vmm.err())
        .contains("Failed to open the API socket at " + socket + ": the path already exists");
    assertThat(socket).exists();
  }

  private static String raw(Path socket, String request) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
      return readAll(channel);
    }
  }

  private static String readAll(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
      // Until the server closes the connection.
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
  }

  /** Writes a request on a kept-alive connection and reads one response with a body. */
  private static String exchange(SocketChannel channel, String request) throws IOException {
    channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (true) {
      if (channel.read(buffer) < 0) {
        break;
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      int length = text.indexOf("Content-Length: ");
      if (end >= 0 && length >= 0) {
        int size =
            Integer.parseInt(text.substring(length + 16, text.indexOf("\r\n", length)).trim());
        if (text.length() >= end + 4 + size) {
          return text;
        }
      }
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
  }
}
