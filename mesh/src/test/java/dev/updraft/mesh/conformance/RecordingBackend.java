package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.StrictRequests.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend that logs every byte it receives per connection and answers each request its strict
 * reader parses with a fixed, valid response. For response cases it answers {@code /scripted} with
 * the case's raw bytes instead. On bytes it cannot read it answers 400 and closes, as a strict
 * server would.
 */
final class RecordingBackend implements AutoCloseable {
  /** A connection as the backend saw it once the case was over. */
  record Recorded(
      byte[] bytes, Parsed<Request> parsed, boolean closedByProxy, List<Long> completedNanos) {
    Recorded {
      completedNanos = List.copyOf(completedNanos);
    }
  }

  private final ServerSocket server;
  private final byte[] scripted;
  private final boolean closeAfterScript;
  private final AtomicBoolean scriptUsed = new AtomicBoolean();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();

  /** {@code scripted} answers the first {@code /scripted} request, or null for none. */
  RecordingBackend(byte[] scripted, boolean closeAfterScript) throws IOException {
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.scripted = scripted;
    this.closeAfterScript = closeAfterScript;
    Thread.ofVirtual().name("backend-accept-" + port()).start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The connections so far, in the order the proxy opened them. */
  List<Recorded> recorded() {
    return connections.stream()
        .map(
            c -> {
              byte[] bytes = c.bytes();
              return new Recorded(
                  bytes, StrictRequests.read(bytes), c.closedByPeer, List.copyOf(c.completed));
            })
        .toList();
  }

  /** Whether a connection still holds an unfinished request that the proxy has not aborted. */
  boolean holdsPartialRequest() {
    return connections.stream()
        .anyMatch(
            c ->
                !c.closedByPeer
                    && !c.closedByUs
                    && StrictRequests.read(c.bytes()).end() == Parsed.End.PARTIAL);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Connection c = new Connection(socket);
        connections.add(c);
        Thread.ofVirtual().name("backend-conn-" + port()).start(c::serve);
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Connection c : connections) {
      c.socket.close();
    }
  }

  private final class Connection {
    final Socket socket;

    /** When each request was read complete, so requests on several connections can be ordered. */
    final List<Long> completed = new CopyOnWriteArrayList<>();

    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile boolean closedByPeer;
    volatile boolean closedByUs;
    int answered;
    int continuedAt = -1;

    Connection(Socket socket) {
      this.socket = socket;
    }

    synchronized byte[] bytes() {
      return received.toByteArray();
    }

    void serve() {
      byte[] buf = new byte[65536];
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            received.write(buf, 0, n);
          }
          if (!answer(out)) {
            closedByUs = true;
            return;
          }
        }
      } catch (IOException e) {
        // A reset from the proxy: recorded below like a close.
      }
      if (!closedByUs) {
        closedByPeer = true;
      }
    }

    /** Answers newly complete requests; false when the connection is to be closed. */
    private boolean answer(OutputStream out) throws IOException {
      byte[] bytes = bytes();
      Parsed<Request> parsed = StrictRequests.read(bytes);
      while (answered < parsed.messages().size()) {
        Request r = parsed.messages().get(answered++);
        completed.add(System.nanoTime());
        if (r.path().equals("/scripted")
            && scripted != null
            && scriptUsed.compareAndSet(false, true)) {
          out.write(scripted);
          out.flush();
          if (closeAfterScript) {
            return false;
          }
        } else {
          out.write(fixedResponse(r));
          out.flush();
        }
      }
      switch (parsed.end()) {
        case ERROR -> {
          out.write(
              Wire.bytes(
                  "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
          out.flush();
          return false;
        }
        case PARTIAL -> continueIfExpected(bytes, out);
        case CLEAN -> {}
      }
      return true;
    }

    /** Sends 100 Continue to a forwarded {@code Expect: 100-continue} whose body has not come. */
    private void continueIfExpected(byte[] bytes, OutputStream out) throws IOException {
      String text = Wire.text(bytes).toLowerCase(Locale.ROOT);
      int headEnd = text.lastIndexOf("\r\n\r\n");
      int expect = text.lastIndexOf("\r\nexpect: 100-continue");
      if (headEnd > 0 && expect > continuedAt && expect < headEnd) {
        continuedAt = expect;
        out.write(Wire.bytes("HTTP/1.1 100 Continue\r\n\r\n"));
        out.flush();
      }
    }
  }

  /** The backend's own answer: 200, with the request it saw in {@code X-Seen}. */
  static byte[] fixedResponse(Request r) {
    String seen = r.method() + " " + Wire.show(r.path(), 64);
    String body = "seen " + seen + "\n";
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Seen: "
            + seen
            + "\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n";
    return Wire.bytes(r.method().equals("HEAD") ? head : head + body);
  }
}
