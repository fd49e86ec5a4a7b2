package dev.updraft.mesh.conformance;

import dev.updraft.mesh.transport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A proxy run as a child process (HAProxy, nginx) from a generated config in its own temporary
 * directory, in the foreground, stopped by the handle this class started.
 */
final class ExternalProxy implements ProxyUnderTest {
  /** How one product turns its directory and ports into a config file and a command line. */
  interface Product {
    String name();

    /** The config text for listeners on {@code ports} (same order as the slots). */
    String config(Path dir, List<Slot> slots, List<Integer> ports);

    List<String> command(Path dir, Path config);
  }

  private final String name;
  private final Path dir;
  private final Process process;
  private final List<Integer> ports;

  ExternalProxy(Product product, List<Slot> slots) {
    this.name = product.name();
    try {
      dir = Files.createTempDirectory("updraft-conformance-" + name + "-");
      ports = freePorts(slots.size());
      Path config = dir.resolve(name + ".conf");
      Files.writeString(config, product.config(dir, slots, ports));
      process =
          new ProcessBuilder(product.command(dir, config))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("output.log").toFile())
              .start();
      awaitListening();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": could not start: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int port(int index) {
    return ports.get(index);
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (int port : List.of(ports.getFirst(), ports.getLast())) {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException("exited with " + process.exitValue() + ": " + output());
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          s.setSoLinger(true, 0);
          break;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IOException("not listening on " + port + " after 15 s: " + output());
          }
          H1Client.sleep(50);
        }
      }
    }
  }

  /** What the process printed, for failure messages. */
  String output() {
    try {
      return Files.readString(dir.resolve("output.log"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** Distinct ports outside the ephemeral range, so no outgoing connection takes one meanwhile. */
  private static List<Integer> freePorts(int n) {
    java.util.Set<Integer> ports = new java.util.LinkedHashSet<>();
    while (ports.size() < n) {
      ports.add(FreePorts.any());
    }
    return List.copyOf(ports);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
