package dev.updraft.mesh.conformance;

import java.time.Duration;
import java.util.List;

/** One thing a test client does on the wire, in order. */
sealed interface Step {
  /**
   * Writes bytes at once.
   *
   * @param methods the methods of the requests these bytes carry, so the client knows which answers
   *     have no body (HEAD) and how many to wait for; empty for bytes that finish no request
   */
  record Send(byte[] bytes, List<String> methods) implements Step {
    public Send {
      methods = List.copyOf(methods);
    }
  }

  /** Writes one byte per {@code interval}, stopping when the proxy closes the connection. */
  record Drip(byte[] bytes, Duration interval, List<String> methods) implements Step {
    public Drip {
      methods = List.copyOf(methods);
    }
  }

  /** Sends nothing for a while. */
  record Pause(Duration duration) implements Step {}

  /**
   * HTTP/1: waits until every request sent on this connection has a final answer, or the proxy
   * closes it. HTTP/2: waits until stream {@code stream} ends, is reset, or the connection goes
   * away.
   */
  record Await(int stream) implements Step {}

  /** Half-closes the connection (FIN): the client will send nothing more. */
  record Shutdown() implements Step {}

  /** Aborts the connection with a TCP reset. */
  record Reset() implements Step {}

  /** Continues on a new connection to the proxy. */
  record Reconnect() implements Step {}

  /** Sends a plain GET /probe, on a new connection if the proxy closed this one. */
  record Probe() implements Step {}
}
