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
import java.util.function.Supplier;

/**
 * A raw TCP backend that records every byte each connection receives and how the connection ended
 * (closed or reset by the proxy, or by the backend), so a test sees whether the proxy completed or
 * aborted a request. What it answers is up to an {@link Answerer}: fixed raw bytes (valid or not)
 * after each request head, nothing, or a strict reader's answers (the conformance suite's).
 */
public final class RecordingBackend implements AutoCloseable {
  /** Answers one connection; it sees everything the connection received so far. */
  @FunctionalInterface
  public interface Answerer {
    /**
     * Writes what the backend says now that {@code received} arrived.
     *
     * @return false to close the connection
     */
    boolean answer(byte[] received, OutputStream out) throws IOException;
  }

  /** One accepted connection: what it received, whether it has ended and who ended it. */
  public static final class Connection {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Answerer answerer;
    private volatile boolean ended;
    private volatile boolean closedByBackend;

    private Connection(Answerer answerer) {
      this.answerer = answerer;
    }

    public synchronized byte[] bytes() {
      return bytes.toByteArray();
    }

    public synchronized String received() {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean ended() {
      return ended;
    }

    /** Whether the proxy closed or reset it (rather than the backend's answerer). */
    public boolean closedByProxy() {
      return ended && !closedByBackend;
    }

    public Answerer answerer() {
      return answerer;
    }

    private synchronized void record(byte[] buffer, int n) {
      bytes.write(buffer, 0, n);
    }
  }

  private final ServerSocket server;
  private final Supplier<Answerer> answerers;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private RecordingBackend(Supplier<Answerer> answerers) throws IOException {
    this.answerers = answerers;
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("recording-backend-" + port()).start(this::accept);
  }

  /** Answers every request head with {@code 200 OK} and a two-byte body. */
  public static RecordingBackend ok() throws IOException {
    return answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  }

  /** Answers every request head (what ends in an empty line) with these raw bytes. */
  public static RecordingBackend answering(String rawResponse) throws IOException {
    byte[] response = rawResponse.getBytes(StandardCharsets.ISO_8859_1);
    return serving(
        () ->
            new Answerer() {
              private int scanned;

              @Override
              public boolean answer(byte[] in, OutputStream out) throws IOException {
                for (; scanned + 4 <= in.length; scanned++) {
                  if (in[scanned] == '\r'
                      && in[scanned + 1] == '\n'
                      && in[scanned + 2] == '\r'
                      && in[scanned + 3] == '\n') {
                    out.write(response);
                    out.flush();
                    scanned += 3;
                  }
                }
                return true;
              }
            });
  }

  /** Never answers, so every request stays in flight until the proxy gives it up. */
  public static RecordingBackend silent() throws IOException {
    return serving(() -> (in, out) -> true);
  }

  /** Answers each connection with its own answerer. */
  public static RecordingBackend serving(Supplier<Answerer> perConnection) throws IOException {
    return new RecordingBackend(perConnection);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  /** Everything received so far, on all connections, in arrival order. */
  public String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The connections so far, in the order the proxy opened them. */
  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  /** How many connections ended so far. */
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
        Connection connection = new Connection(answerers.get());
        connections.add(connection);
        Thread.ofVirtual().start(() -> serve(socket, connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket, Connection connection) {
    byte[] buffer = new byte[64 * 1024];
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (received) {
          received.write(buffer, 0, n);
        }
        connection.record(buffer, n);
        if (!connection.answerer.answer(connection.bytes(), out)) {
          connection.closedByBackend = true;
          return;
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
