package dev.updraft.vmm.dumbo;

import java.nio.ByteBuffer;

/**
 * One HTTP/1.1 connection on a {@link TcpConnection}: requests arrive into a fixed {@value
 * #RECEIVE_BUFFER}-byte buffer (the TCP window is what is free of it), each request head is handed
 * to the {@link HttpResponder}, and its response is sent and must be acknowledged in full before
 * the next request is read, so one connection holds at most one response. A request that does not
 * fit the buffer resets the connection; so does a response the server's memory budget cannot take.
 * The connection closes once the client has closed its side and the last response is through, or
 * after a response to a request that asked to close.
 */
final class HttpEndpoint {
  /** Room for one request head: Firecracker's bound, plenty for metadata requests. */
  static final int RECEIVE_BUFFER = 2500;

  private final TcpConnection tcp;
  private final HttpResponder responder;
  private final ResponseBudget budget;
  private final ByteBuffer received = ByteBuffer.allocate(RECEIVE_BUFFER);
  private byte[] response;
  private int responseSeq;
  private long lastReceived;
  private final long openedAt;

  HttpEndpoint(TcpConnection tcp, HttpResponder responder, ResponseBudget budget, long now) {
    this.tcp = tcp;
    this.responder = responder;
    this.budget = budget;
    this.responseSeq = tcp.sndNext();
    this.lastReceived = now;
    this.openedAt = now;
  }

  boolean established() {
    return tcp.established();
  }

  boolean done() {
    return tcp.done();
  }

  long lastReceived() {
    return lastReceived;
  }

  long openedAt() {
    return openedAt;
  }

  /** Resets the connection (to make room, or on the server's side of a failure). */
  void reset() {
    tcp.reset();
  }

  /** Takes a segment; returns {@link TcpConnection}'s flags for what was unusual. */
  int receive(Tcp.Header header, ByteBuffer payload, long now) {
    lastReceived = now;
    int unusual = tcp.receive(header, payload, received, now);
    if (response != null && tcp.sndUna() == responseSeq + response.length) {
      release(); // the client has all of it
    }
    if (response == null) {
      serveNextRequest();
    }
    if (tcp.finReceived() && response == null) {
      tcp.close(tcp.sndNext());
    }
    return unusual;
  }

  private void serveNextRequest() {
    int end = headEnd(received.array(), received.position());
    if (end < 0) {
      if (!received.hasRemaining()) {
        tcp.reset(); // a request larger than the buffer: refuse rather than grow
      }
      return;
    }
    byte[] head = new byte[end];
    System.arraycopy(received.array(), 0, head, 0, end);
    received.flip().position(end);
    received.compact();
    tcp.openWindow(end);
    HttpResponder.Reply reply = responder.respond(head);
    if (!budget.reserve(reply.bytes().length)) {
      tcp.reset();
      return;
    }
    response = reply.bytes();
    responseSeq = tcp.sndNext();
    if (reply.close()) {
      tcp.close(responseSeq + response.length);
    }
  }

  /** The length of the first request head ("\n\n" or "\n\r\n" ends it), or -1. */
  static int headEnd(byte[] bytes, int length) {
    for (int i = 0; i + 1 < length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      if (bytes[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 2 < length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
        return i + 3;
      }
    }
    return -1;
  }

  /** When this endpoint next has a segment to send (see {@link TcpConnection#nextDeadline}). */
  long nextDeadline(long now) {
    return tcp.nextDeadline(responseSeq + (response == null ? 0 : response.length), now);
  }

  /**
   * Writes the next segment's payload into {@code segment} after a header of {@code headerRoom}
   * bytes and returns what to put in the header, or null if there is nothing to send.
   */
  TcpConnection.Outgoing next(ByteBuffer segment, long now) {
    int room = segment.limit() - Tcp.headerLength(Tcp.DEFAULT_MSS);
    int length = response == null ? 0 : response.length;
    TcpConnection.Outgoing out = tcp.next(responseSeq, length, room, now);
    if (out != null && out.length() > 0) {
      segment.put(Tcp.headerLength(out.mss()), response, out.offset(), out.length());
    }
    if (tcp.done()) {
      release();
    }
    return out;
  }

  /** Frees the response and its share of the budget. */
  void release() {
    if (response != null) {
      budget.release(response.length);
      responseSeq += response.length;
      response = null;
    }
  }
}
