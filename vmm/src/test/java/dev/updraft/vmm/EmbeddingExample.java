package dev.updraft.vmm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The example of docs/vmm/embedding.md: the text between the markers is in the page word for word
 * ({@code EmbeddingDocTest} checks), and {@code EmbeddingIT} runs it on KVM, so it cannot rot.
 */
final class EmbeddingExample {
  private EmbeddingExample() {}

  /** Boots, snapshots, restores; returns how long the restore took, in microseconds. */
  static long lifecycle(Path kernel, Path dir) throws Exception {
    // begin:lifecycle
    Path state = dir.resolve("vm.state");
    Path memory = dir.resolve("vm.mem");
    try (MicroVm vm =
        MicroVm.builder()
            .kernel(kernel)
            .bootArgs("ticks=100000 period_ms=50")
            .vcpus(1)
            .memoryMib(32)
            .console(dir.resolve("console.txt"))
            .boot()) {
      awaitText(dir.resolve("console.txt"), "tick 2 ");
      vm.pause();
      vm.snapshot(state, memory);
    } // close() stops the guest and releases its memory and threads

    long started = System.nanoTime();
    try (MicroVm copy = MicroVm.restore(state, memory).console(dir.resolve("copy.txt")).load()) {
      long micros = (System.nanoTime() - started) / 1_000;
      awaitText(dir.resolve("copy.txt"), "tick 3 "); // the guest goes on where it was
      copy.pause();
      copy.resume();
      return micros;
    }
    // end:lifecycle
  }

  /** Boots a guest that echoes on vsock port 52 and talks to it; returns what came back. */
  static String vsock(Path kernel, Path dir) throws Exception {
    // begin:vsock
    try (MicroVm vm =
        MicroVm.builder()
            .kernel(kernel)
            .memoryMib(32)
            .vsock(3, dir.resolve("vsock.sock"))
            .console(dir.resolve("vsock.txt"))
            .boot()) {
      awaitText(dir.resolve("vsock.txt"), "ready");
      try (SocketChannel guest = vm.connect(52)) {
        guest.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer echo = ByteBuffer.allocate(4);
        while (echo.hasRemaining() && guest.read(echo) >= 0) {}
        return new String(echo.array(), StandardCharsets.US_ASCII);
      }
    }
    // end:vsock
  }

  static void awaitText(Path file, String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file) || !Files.readString(file).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + text + "\" in " + file + " within 60 s");
      }
      Thread.sleep(10);
    }
  }
}
