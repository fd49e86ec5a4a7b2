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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A raw TCP backend that records every byte each connection receives and whether the peer closed
 * (or reset) it, so a test sees whether the proxy completed or aborted a request. Whenever what a
 * connection sent ends a request head it answers with fixed raw bytes (valid or not), or with
 * nothing. It knows nothing of request bodies: tests that send one look at the bytes.
 */
public final class RecordingBackend implements AutoCloseable {
  /** One accepted connection: what it received and whether it has ended. */
  public static final class Connection {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile boolean ended;

    public synchronized String received() {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean ended() {
      return ended;
    }

    private synchronized void record(byte[] buffer, int n) {
      bytes.write(buffer, 0, n);
    }
  }

  private final ServerSocket server;
  private final byte[] response;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private RecordingBackend(byte[] response) throws IOException {
    this.response = response;
    server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  /** Answers every request head with {@code 200 OK} and a two-byte body. */
  public static RecordingBackend ok() throws IOException {
    return answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  }

  /** Answers every request head with these raw bytes. */
  public static RecordingBackend answering(String rawResponse) throws IOException {
    return new RecordingBackend(rawResponse.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Never answers, so every request stays in flight until the proxy gives it up. */
  public static RecordingBackend silent() throws IOException {
    return new RecordingBackend(new byte[0]);
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

  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  /** How many connections the proxy closed (or reset) so far. */
  public int closedConnections() {
    return (int) connections.stream().filter(Connection::ended).count();
  }

  /** Waits until {@code count} connections were accepted and all of them ended. */
  public List<Connection> awaitEnded(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Connection> now = connections();
      if (now.size() >= count && now.stream().allMatch(Connection::ended)) {
        return now;
      }
      Thread.sleep(10);
    }
    return connections();
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
        sockets.add(socket);
        Connection connection = new Connection();
        connections.add(connection);
        Thread.ofVirtual().start(() -> serve(socket, connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket, Connection connection) {
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
        connection.record(buffer, n);
        if (response.length == 0) {
          continue;
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
      // A reset ends the connection as well as a FIN does.
    } finally {
      connection.ended = true;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
