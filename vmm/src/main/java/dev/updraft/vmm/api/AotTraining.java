package dev.updraft.vmm.api;

import dev.updraft.sys.Host;
import dev.updraft.vmm.core.Hypervisors;
import dev.updraft.vmm.seccomp.SeccompFilters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run for the launcher's AOT cache (JDK 25, JEP 514): starts the VMM on a temporary
 * socket and sends it the requests a Firecracker client sends first, good and bad, so that the
 * classes of start-up and of the configuration phase are loaded and linked ahead of time. Run as
 * {@code java -XX:AOTCacheOutput=<file> -cp <jar> dev.updraft.vmm.api.AotTraining}.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("updraft-aot");
    Path socket = dir.resolve("training.sock");
    // With KVM the training boots a guest for real, so building and running a VM is in the cache;
    // without it InstanceStart fails early, which still covers the API's own paths.
    Path kernel =
        Host.kvmAvailable()
            ? Files.write(dir.resolve("vmlinux"), spinningKernel())
            : Files.writeString(dir.resolve("vmlinux"), "not a kernel");
    Path rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "not a file system");
    // The filters are compiled (their classes go into the cache) but not installed: see start.
    SeccompFilters.defaults();
    start(socket, dir, "aot-training");
    List<String> requests =
        List.of(
            get("/"),
            put(
                "/logger",
                "{\"level\": \"Info\", \"show_level\": true, \"show_log_origin\": true}"),
            put(
                "/boot-source",
                "{\"kernel_image_path\": \""
                    + kernel
                    + "\", \"boot_args\": \"console=ttyS0 reboot=k panic=1\"}"),
            put(
                "/drives/rootfs",
                "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
                    + rootfs
                    + "\", \"is_root_device\": true, \"is_read_only\": false,"
                    + " \"rate_limiter\": {\"bandwidth\": {\"size\": 1000, \"refill_time\": 100}}}"),
            // Small, so the snapshot below writes little.
            put("/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 16}"),
            patch("/machine-config", "{\"track_dirty_pages\": false}"),
            put("/entropy", "{}"),
            put("/serial", "{\"serial_out_path\": \"" + dir.resolve("serial") + "\"}"),
            put("/machine-config", "{\"vcpu_count\": 99, \"mem_size_mib\": 256, \"unknown\": 1}"),
            put("/machine-config", "{\"vcpu_count\": "),
            get("/machine-config"),
            get("/vm/config"),
            get("/version"),
            get("/nope"),
            put("/actions", "{\"action_type\": \"InstanceStart\"}"),
            get("/"),
            patch("/vm", "{\"state\": \"Paused\"}"),
            put(
                "/snapshot/create",
                "{\"snapshot_path\": \""
                    + dir.resolve("vm.state")
                    + "\", \"mem_file_path\": \""
                    + dir.resolve("vm.mem")
                    + "\"}"),
            patch("/vm", "{\"state\": \"Resumed\"}"),
            put("/actions", "{\"action_type\": \"FlushMetrics\"}"),
            put("/actions", "{\"action_type\": \"SendCtrlAltDel\"}"));
    send(socket, requests);
    if (Host.kvmAvailable()) {
      // A restore in a fresh VMM, the path whose latency matters most (load to first KVM_RUN).
      Path restored = dir.resolve("restored.sock");
      start(restored, dir, "aot-training-restore");
      send(
          restored,
          List.of(
              put(
                  "/snapshot/load",
                  "{\"snapshot_path\": \""
                      + dir.resolve("vm.state")
                      + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
                      + dir.resolve("vm.mem")
                      + "\"}, \"resume_vm\": true}"),
              get("/"),
              patch("/vm", "{\"state\": \"Paused\"}"),
              put(
                  "/snapshot/create",
                  "{\"snapshot_type\": \"Diff\", \"snapshot_path\": \""
                      + dir.resolve("diff.state")
                      + "\", \"mem_file_path\": \""
                      + dir.resolve("diff.mem")
                      + "\"}")));
    }
    // The memory files are the size of guest memory; the VMMs' mappings outlive their names.
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    // The AOT cache is written as the JVM exits; the VMM's shutdown hook removes the socket.
    System.exit(0);
  }

  /** A VMM on {@code socket} in a thread of this JVM; returns once its socket is there. */
  private static void start(Path socket, Path dir, String id) throws InterruptedException {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Thread vmm =
        new Thread(
            () ->
                VmmMain.run(
                    new String[] {
                      "--api-sock",
                      socket.toString(),
                      "--id",
                      id,
                      "--metrics-path",
                      dir.resolve(id + ".metrics").toString(),
                      "--level",
                      "Debug",
                      // Two VMMs share this JVM: the first one's process-wide vmm filter would
                      // refuse the second one's event loop (epoll_create1) and end the training.
                      "--no-seccomp"
                    },
                    Hypervisors.kvm(),
                    quiet,
                    quiet),
            id);
    vmm.setDaemon(true);
    vmm.start();
    for (int i = 0; i < 2_000 && !Files.exists(socket); i++) {
      Thread.sleep(5);
    }
  }

  private static void send(Path socket, List<String> requests) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      for (String request : requests) {
        exchange(channel, request);
      }
    }
  }

  /**
   * The smallest kernel the loader takes: a 64-bit ELF executable whose one segment at 1 MiB is
   * {@code jmp $}, entered by the Linux 64-bit boot protocol (no PVH note).
   */
  static byte[] spinningKernel() {
    ByteBuffer elf = ByteBuffer.allocate(122).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
    elf.putShort((short) 2).putShort((short) 62).putInt(1); // ET_EXEC, EM_X86_64, EV_CURRENT
    elf.putLong(0x100078).putLong(64).putLong(0).putInt(0); // entry, phoff, shoff, flags
    elf.putShort((short) 64).putShort((short) 56).putShort((short) 1); // ehsize, phentsize, phnum
    elf.putShort((short) 64).putShort((short) 0).putShort((short) 0); // shentsize, shnum, shstrndx
    elf.putInt(1).putInt(5).putLong(0).putLong(0x100000).putLong(0x100000); // PT_LOAD R+X
    elf.putLong(122).putLong(122).putLong(0x1000);
    elf.put((byte) 0xEB).put((byte) 0xFE); // jmp $
    return elf.array();
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  private static String put(String path, String body) {
    return request("PUT", path, body);
  }

  private static String patch(String path, String body) {
    return request("PATCH", path, body);
  }

  private static String request(String method, String path, String body) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  /** Sends one request and reads until its response has arrived (one read per response here). */
  private static void exchange(SocketChannel channel, String request) {
    try {
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      ByteBuffer response = ByteBuffer.allocate(64 * 1024);
      while (channel.read(response) > 0) {
        String text = new String(response.array(), 0, response.position(), StandardCharsets.UTF_8);
        int headers = text.indexOf("\r\n\r\n");
        if (headers >= 0 && complete(text, headers)) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean complete(String text, int headers) {
    String lower = text.substring(0, headers).toLowerCase(java.util.Locale.ROOT);
    int at = lower.indexOf("content-length: ");
    if (at < 0) {
      return true;
    }
    int end = lower.indexOf("\r\n", at);
    int length = Integer.parseInt(lower.substring(at + 16, end < 0 ? headers : end).trim());
    return text.length() - headers - 4 >= length;
  }
}
