package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.StrictResponses.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A raw-socket HTTP/1 client that plays a case's steps and keeps every byte the proxy sends. */
final class H1Client implements AutoCloseable {
  /** One client connection as the case left it. */
  record Outcome(byte[] received, List<String> methods, boolean closed, long closedAfterMillis) {
    Parsed<Response> parsed() {
      return StrictResponses.read(received, methods, closed);
    }
  }

  private static final Duration QUIET = Duration.ofMillis(300);
  private final int port;
  private final long started = System.nanoTime();
  private final long deadline;
  private final List<Conn> conns = new ArrayList<>();

  H1Client(int port, Duration deadline) {
    this.port = port;
    this.deadline = started + deadline.toNanos();
  }

  /** Plays the steps, then waits for the proxy's answers (or, for incomplete input, its close). */
  List<Outcome> run(List<Step> steps, boolean incomplete) throws IOException {
    Conn conn = connect();
    for (Step step : steps) {
      switch (step) {
        case Step.Send s -> conn.send(s.bytes(), s.methods());
        case Step.Drip d -> conn.drip(d);
        case Step.Pause p -> sleep(p.duration().toMillis());
        case Step.Await a -> waitFor(conn::answered);
        case Step.Shutdown s -> conn.shutdown();
        case Step.Reset r -> conn.reset();
        case Step.Reconnect r -> conn = connect();
        case Step.Probe p -> conn = probe(conn);
      }
    }
    Conn last = conn;
    if (incomplete) {
      waitFor(() -> last.closed || last.finals() > 0);
    } else {
      waitFor(last::answered);
    }
    long quietSince = System.nanoTime();
    long seen = totalReceived();
    while (System.nanoTime() < deadline && System.nanoTime() - quietSince < QUIET.toNanos()) {
      sleep(20);
      long now = totalReceived();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      }
    }
    return conns.stream().map(Conn::outcome).toList();
  }

  /**
   * Sends GET /probe on the same connection, so a proxy that keeps its upstream connection for the
   * client's next request reuses it; on a new one if the proxy closed this one, before or after.
   */
  private Conn probe(Conn conn) throws IOException {
    byte[] probe = Wire.bytes("GET /probe HTTP/1.1\r\nHost: c\r\n\r\n");
    waitFor(conn::answered);
    boolean sent = !conn.closed;
    if (sent) {
      conn.send(probe, List.of("GET"));
      waitFor(conn::answered);
    }
    if (conn.closed && (!sent || conn.finals() < conn.methods.size())) {
      conn = connect();
      conn.send(probe, List.of("GET"));
    }
    return conn;
  }

  private long totalReceived() {
    return conns.stream().mapToLong(Conn::size).sum();
  }

  private Conn connect() throws IOException {
    Conn c = new Conn(new Socket(InetAddress.getLoopbackAddress(), port));
    conns.add(c);
    return c;
  }

  private void waitFor(BooleanSupplier done) {
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      sleep(10);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    for (Conn c : conns) {
      try {
        c.socket.close();
      } catch (IOException e) {
        // Closing a socket the proxy already reset: nothing to keep.
      }
    }
  }

  private final class Conn {
    final Socket socket;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<String> methods = new ArrayList<>();
    volatile boolean closed;
    volatile long closedAt;

    Conn(Socket socket) {
      this.socket = socket;
      Thread.ofVirtual().name("client-read-" + port).start(this::read);
    }

    private void read() {
      byte[] buf = new byte[65536];
      try {
        InputStream in = socket.getInputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            received.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // A reset counts as a close.
      }
      closedAt = System.nanoTime();
      closed = true;
    }

    synchronized byte[] bytes() {
      return received.toByteArray();
    }

    synchronized long size() {
      return received.size();
    }

    void send(byte[] bytes, List<String> sentMethods) {
      methods.addAll(sentMethods);
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The proxy closed while we wrote: its answer (if any) is in what we read.
      }
    }

    void drip(Step.Drip d) {
      methods.addAll(d.methods());
      for (byte b : d.bytes()) {
        if (closed || System.nanoTime() > deadline) {
          return;
        }
        try {
          socket.getOutputStream().write(b);
          socket.getOutputStream().flush();
        } catch (IOException e) {
          return;
        }
        long until = System.nanoTime() + d.interval().toNanos();
        while (!closed && System.nanoTime() < until) {
          sleep(20);
        }
      }
    }

    void shutdown() {
      try {
        socket.shutdownOutput();
      } catch (IOException e) {
        // Already closed by the proxy.
      }
    }

    void reset() {
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException e) {
        // Already closed by the proxy.
      }
      closed = true;
    }

    int finals() {
      Parsed<Response> parsed = StrictResponses.read(bytes(), methods, closed);
      if (parsed.end() == Parsed.End.ERROR) {
        return Integer.MAX_VALUE;
      }
      return (int) parsed.messages().stream().filter(r -> !r.interim()).count();
    }

    boolean answered() {
      return closed || finals() >= methods.size();
    }

    Outcome outcome() {
      long after = closed ? (closedAt - started) / 1_000_000 : -1;
      return new Outcome(bytes(), List.copyOf(methods), closed, after);
    }
  }
}
