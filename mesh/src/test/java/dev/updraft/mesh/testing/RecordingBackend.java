package dev.updraft.mesh.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A raw TCP backend that records every byte it receives and, whenever what a connection sent ends a
 * request head, answers it with a fixed response of its choosing (valid or not). It knows nothing
 * of request bodies: tests that send one look at the bytes.
 */
public final class RecordingBackend implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final CopyOnWriteArrayList<Socket> connections = new CopyOnWriteArrayList<>();
  private final byte[] response;
  private final AtomicInteger closedConnections = new AtomicInteger();

  private RecordingBackend(byte[] response) throws IOException {
    this.response = response;
    server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** Answers every request head with {@code 200 OK} and a two-byte body. */
  public static RecordingBackend ok() throws IOException {
    return answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  }

  /** Answers every request head with these raw bytes. */
  public static RecordingBackend answering(String rawResponse) throws IOException {
    return new RecordingBackend(rawResponse.getBytes(StandardCharsets.ISO_8859_1));
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Everything received so far, on all connections, in arrival order. */
  public String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** How many connections the proxy closed (or reset) so far. */
  public int closedConnections() {
    return closedConnections.get();
  }

  /** Waits up to 10 s for {@code condition}. */
  public static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.add(socket);
        threads.execute(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    StringBuilder pending = new StringBuilder();
    byte[] buffer = new byte[16 * 1024];
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (received) {
          received.write(buffer, 0, n);
        }
        pending.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        int end;
        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
          pending.delete(0, end + 4);
          out.write(response);
          out.flush();
        }
      }
    } catch (IOException e) {
      // A reset counts as a close.
    } finally {
      closedConnections.incrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : connections) {
      socket.close();
    }
    threads.shutdownNow();
  }
}
