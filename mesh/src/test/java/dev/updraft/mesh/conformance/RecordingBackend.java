package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.StrictRequests.Request;
import dev.updraft.mesh.testing.RecordingBackend.Answerer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The suite's backend: the tests' recording backend (every byte per connection, who closed it)
 * answering like a strict server. Each request its strict reader parses gets a fixed, valid
 * response; for response cases the first {@code /scripted} request gets the case's raw bytes
 * instead. On bytes it cannot read it answers 400 and closes.
 */
final class RecordingBackend implements AutoCloseable {
  /** A connection as the backend saw it once the case was over. */
  record Recorded(
      byte[] bytes, Parsed<Request> parsed, boolean closedByProxy, List<Long> completedNanos) {
    Recorded {
      completedNanos = List.copyOf(completedNanos);
    }
  }

  private final dev.updraft.mesh.testing.RecordingBackend recorder;
  private final byte[] scripted;
  private final boolean closeAfterScript;
  private final AtomicBoolean scriptUsed = new AtomicBoolean();

  /** {@code scripted} answers the first {@code /scripted} request, or null for none. */
  RecordingBackend(byte[] scripted, boolean closeAfterScript) throws IOException {
    this.scripted = scripted;
    this.closeAfterScript = closeAfterScript;
    this.recorder = dev.updraft.mesh.testing.RecordingBackend.serving(Strict::new);
  }

  int port() {
    return recorder.port();
  }

  /** The connections so far, in the order the proxy opened them. */
  List<Recorded> recorded() {
    return recorder.connections().stream()
        .map(
            c -> {
              byte[] bytes = c.bytes();
              return new Recorded(
                  bytes,
                  StrictRequests.read(bytes),
                  c.closedByProxy(),
                  ((Strict) c.answerer()).completed);
            })
        .toList();
  }

  /** Whether a connection still holds an unfinished request that the proxy has not aborted. */
  boolean holdsPartialRequest() {
    return recorder.connections().stream()
        .anyMatch(c -> !c.ended() && StrictRequests.read(c.bytes()).end() == Parsed.End.PARTIAL);
  }

  @Override
  public void close() throws IOException {
    recorder.close();
  }

  /** One connection's strict server. */
  private final class Strict implements Answerer {
    /** When each request was read complete, so requests on several connections can be ordered. */
    final List<Long> completed = new CopyOnWriteArrayList<>();

    private int answered;
    private int continuedAt = -1;

    @Override
    public boolean answer(byte[] bytes, OutputStream out) throws IOException {
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
