package dev.updraft.mesh.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that never answers: it records every byte each connection receives and whether the peer
 * closed it (or reset it), so a test sees whether the proxy completed or aborted a request.
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
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public RecordingBackend() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public List<Connection> connections() {
    return List.copyOf(connections);
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

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        Connection connection = new Connection();
        connections.add(connection);
        Thread.ofVirtual().start(() -> record(socket, connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void record(Socket socket, Connection connection) {
    byte[] buffer = new byte[8192];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        connection.record(buffer, n);
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
