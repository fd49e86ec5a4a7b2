package dev.updraft.vmm.dumbo;

/**
 * The sequence-number side of one passively opened TCP connection (Firecracker's dumbo {@code
 * Connection}, reduced to what a local HTTP server needs): the handshake, in-order data in, data
 * out within the peer's window and our MSS, ACKs, FIN in both directions and RST. It owns no
 * buffers: data comes in through a sink, and goes out from a source its caller describes.
 *
 * <p>What a guest cannot do to it: anything out of order is dropped (and re-ACKed so a real peer
 * retransmits); data beyond our window or after its FIN is ignored; a SYN or an invalid ACK before
 * the connection is established resets it; an RST counts only inside the window; the peer's window
 * only ever moves right; a duplicate ACK costs one retransmitted segment, a silent peer at most
 * {@code rtoMax} retransmissions before the connection resets itself. Every oddity is reported to
 * the caller as a flag for its counters.
 *
 * <p>Sequence numbers are unsigned 32-bit values in ints; all arithmetic on them wraps.
 */
final class TcpConnection {
  /** The largest window TCP can express (with scaling), the bound of "after" comparisons. */
  static final int MAX_WINDOW = 1_073_725_440;

  /** Flags returned by {@link #receive}: what was unusual about a segment. */
  static final int DUP_ACK = 1;

  static final int INVALID_ACK = 1 << 1;
  static final int BEYOND_WINDOW = 1 << 2;
  static final int OUT_OF_ORDER = 1 << 3;
  static final int WINDOW_SHRUNK = 1 << 4;
  static final int DATA_AFTER_FIN = 1 << 5;
  static final int RESET_RECEIVED = 1 << 6;
  static final int INVALID_RST = 1 << 7;
  static final int INVALID_SEGMENT = 1 << 8;
  static final int RESETTING = 1 << 9;
  static final int INVALID_FIN = 1 << 10;
  static final int IGNORED = 1 << 11;

  /** A segment to send: its numbers and flags, and which bytes of the source it carries. */
  record Outgoing(
      int sequence, int acknowledgement, int flags, int window, int mss, int offset, int length) {}

  private final long rtoPeriod;
  private final int rtoMax;
  private final int mss;
  private int rcvNext;
  private int rcvEdge;
  private int sndUna;
  private int sndNext;
  private int sndEdge;
  private long rtoStart;
  private int rtoCount;
  private boolean synackSent;
  private boolean established;
  private boolean pendingAck;
  private boolean dupAck;
  private boolean finReceived;
  private int finReceivedSeq;
  private boolean closing;
  private int finSeq;
  private boolean finSent;
  private boolean finAcked;
  private Outgoing pendingRst;
  private boolean reset;

  private TcpConnection(Tcp.Header syn, int receiveWindow, int isn, long rtoPeriod, int rtoMax) {
    this.rtoPeriod = rtoPeriod;
    this.rtoMax = rtoMax;
    this.mss = syn.mss() == 0 ? Tcp.DEFAULT_MSS : syn.mss();
    this.rcvNext = syn.sequence() + 1;
    this.rcvEdge = rcvNext + receiveWindow;
    this.sndUna = isn;
    this.sndNext = isn + 1;
    this.sndEdge = sndNext + syn.window();
  }

  /**
   * A connection for {@code syn}, or null if it is not a plain SYN without data.
   *
   * @param receiveWindow the bytes the caller can buffer
   * @param isn our initial sequence number
   * @param rtoPeriod nanoseconds without progress before a retransmission
   * @param rtoMax retransmissions without progress before the connection resets itself
   */
  static TcpConnection passiveOpen(
      Tcp.Header syn, int payloadLength, int receiveWindow, int isn, long rtoPeriod, int rtoMax) {
    if (syn.flags() != Tcp.SYN || payloadLength != 0) {
      return null;
    }
    return new TcpConnection(syn, receiveWindow, isn, rtoPeriod, rtoMax);
  }

  static boolean after(int a, int b) {
    return a != b && Integer.compareUnsigned(a - b, MAX_WINDOW) < 0;
  }

  static boolean atOrAfter(int a, int b) {
    return Integer.compareUnsigned(a - b, MAX_WINDOW) < 0;
  }

  boolean established() {
    return established;
  }

  boolean finReceived() {
    return finReceived;
  }

  /** Reset (by either side), or both FINs exchanged and ours acknowledged. */
  boolean done() {
    return reset || (finReceived && finAcked);
  }

  /** The first sequence number not sent yet: where new data goes. */
  int sndNext() {
    return sndNext;
  }

  /** Everything before this the peer has acknowledged. */
  int sndUna() {
    return sndUna;
  }

  /** Sends an RST at the next chance; the connection is then over. */
  void reset() {
    if (pendingRst == null && !reset) {
      pendingRst = new Outgoing(sndNext, rcvNext, Tcp.RST | Tcp.ACK, 0, 0, 0, 0);
    }
  }

  /** Ends our side: a FIN follows the last byte sent so far and whatever the source still has. */
  void close(int endOfData) {
    if (!closing) {
      closing = true;
      finSeq = endOfData;
    }
  }

  /** The caller took {@code bytes} out of its buffer: the peer may send that much more. */
  void openWindow(int bytes) {
    if (rcvEdge == rcvNext) {
      pendingAck = true; // a peer waiting on a zero window hears it open
    }
    rcvEdge += bytes;
  }

  /**
   * Takes a segment: updates the state and stores in-order data into {@code sink}, which has room
   * for at least the window we advertised. Returns {@link #DUP_ACK}-style flags, 0 if all was
   * normal.
   */
  int receive(Tcp.Header s, java.nio.ByteBuffer payload, java.nio.ByteBuffer sink, long now) {
    if (pendingRst != null || reset) {
      return IGNORED;
    }
    if (s.has(Tcp.RST)) {
      int seq = s.sequence();
      if (atOrAfter(seq, rcvNext) && after(rcvEdge, seq)) {
        reset = true;
        return RESET_RECEIVED;
      }
      return INVALID_RST;
    }
    int unusual = 0;
    if (!synackSent || !established) {
      if (sameSyn(s, payload.remaining())) {
        synackSent = false; // our SYN-ACK may have been lost: send it again
        return 0;
      }
      if (!synackSent || s.has(Tcp.SYN)) {
        return resetFor(INVALID_SEGMENT);
      }
    } else if (s.has(Tcp.SYN)) {
      return resetFor(INVALID_SEGMENT);
    }
    if (s.has(Tcp.ACK)) {
      int ack = s.acknowledgement();
      if (atOrAfter(ack, sndUna) && atOrAfter(sndNext, ack)) {
        rtoCount = 0;
        if (ack == sndUna && ack != sndNext) {
          if (!established) {
            return resetFor(INVALID_ACK);
          }
          dupAck = true;
          unusual |= DUP_ACK;
        } else {
          sndUna = ack;
          rtoStart = now;
          established = true;
          if (finSent && ack == sndNext) {
            finAcked = true;
          }
        }
        int edge = ack + s.window();
        if (after(edge, sndEdge)) {
          sndEdge = edge;
        } else if (edge != sndEdge) {
          unusual |= WINDOW_SHRUNK;
        }
      } else {
        unusual |= INVALID_ACK;
        if (!established) {
          return resetFor(unusual);
        }
      }
    }
    if (!established) {
      return unusual;
    }
    return unusual | receiveData(s, payload, sink);
  }

  private int receiveData(Tcp.Header s, java.nio.ByteBuffer payload, java.nio.ByteBuffer sink) {
    int length = payload.remaining();
    int seq = s.sequence();
    if (length > 0) {
      int end = seq + length;
      if (finReceived && !atOrAfter(finReceivedSeq, end)) {
        return DATA_AFTER_FIN;
      }
      if (!atOrAfter(rcvEdge, end) || length > sink.remaining()) {
        return BEYOND_WINDOW;
      }
      if (seq != rcvNext) {
        pendingAck = true; // a duplicate ACK asks a real peer for what is missing
        return OUT_OF_ORDER;
      }
      sink.put(payload);
      rcvNext = end;
      pendingAck = true;
    }
    if (s.has(Tcp.FIN) && !finReceived) {
      if (seq + length != rcvNext) {
        return INVALID_FIN;
      }
      finReceived = true;
      finReceivedSeq = rcvNext;
      rcvNext += 1;
      pendingAck = true;
    }
    return 0;
  }

  private boolean sameSyn(Tcp.Header s, int payloadLength) {
    return s.flags() == Tcp.SYN
        && payloadLength == 0
        && s.sequence() + 1 == rcvNext
        && (s.mss() == 0 ? Tcp.DEFAULT_MSS : s.mss()) == mss;
  }

  /** An RST for the segment that broke the rules, then nothing more. */
  private int resetFor(int unusual) {
    reset();
    return unusual | RESETTING;
  }

  /**
   * When the connection next has something to send: {@code now} or earlier if at once, the
   * retransmission deadline if only that, {@link Long#MAX_VALUE} if nothing.
   *
   * @param sourceEnd the sequence number after the last byte the caller has to send
   */
  long nextDeadline(int sourceEnd, long now) {
    if (reset) {
      return Long.MAX_VALUE;
    }
    boolean dataReady = established && after(sourceEnd, sndNext) && after(sndEdge, sndNext);
    if (pendingRst != null || !synackSent || pendingAck || dupAck || dataReady || firstFinDue()) {
      return now;
    }
    if (sndUna != sndNext) {
      return rtoStart + rtoPeriod;
    }
    return Long.MAX_VALUE;
  }

  private boolean firstFinDue() {
    return established && closing && !finSent && finSeq == sndUna && sndNext == finSeq;
  }

  /**
   * The next segment to send, or null. Data comes from the caller's source: {@code sourceLength}
   * bytes whose first has sequence number {@code sourceSeq}; the result says which of them it
   * carries, at most {@code room} bytes.
   */
  Outgoing next(int sourceSeq, int sourceLength, int room, long now) {
    if (reset) {
      return null;
    }
    if (pendingRst != null) {
      Outgoing rst = pendingRst;
      pendingRst = null;
      reset = true;
      return rst;
    }
    if (!synackSent) {
      synackSent = true;
      rtoStart = now;
      return control(sndNext - 1, Tcp.SYN | Tcp.ACK, mss);
    }
    boolean expired = sndUna != sndNext && now - rtoStart >= rtoPeriod;
    if (expired && ++rtoCount >= rtoMax) {
      reset();
      return next(sourceSeq, sourceLength, room, now);
    }
    if (!established) {
      if (expired) {
        rtoStart = now;
        return control(sndNext - 1, Tcp.SYN | Tcp.ACK, mss);
      }
      return null;
    }
    if (expired && finSent && !finAcked && sndUna == finSeq) {
      rtoStart = now; // only our FIN is missing: send it again
      return control(finSeq, Tcp.ACK | Tcp.FIN, 0);
    }
    Outgoing data = data(sourceSeq, sourceLength, room, now, expired);
    if (data != null) {
      return data;
    }
    boolean firstFin = firstFinDue();
    if (pendingAck || firstFin) {
      if (firstFin) {
        finSent = true;
        sndNext += 1;
        rtoStart = now;
        return control(finSeq, Tcp.ACK | Tcp.FIN, 0);
      }
      return control(finSent ? sndNext : sndUna, Tcp.ACK, 0);
    }
    return null;
  }

  private Outgoing data(int sourceSeq, int sourceLength, int room, long now, boolean expired) {
    if (sourceLength <= 0) {
      return null;
    }
    int start = expired || dupAck ? sndUna : sndNext;
    int sourceEnd = sourceSeq + sourceLength;
    if (!atOrAfter(start, sourceSeq) || !after(sourceEnd, start)) {
      return null;
    }
    int end = atOrAfter(sndEdge, sourceEnd) ? sourceEnd : sndEdge;
    if (!after(end, start)) {
      return null; // the peer's window is closed: wait for it to open (its ACK will say)
    }
    int length = Math.min(Math.min(end - start, mss), room);
    if (length <= 0) {
      return null;
    }
    int flags = Tcp.ACK | Tcp.PSH;
    int after = start + length;
    if (closing && after == finSeq) {
      flags |= Tcp.FIN;
      finSent = true;
      after += 1;
    }
    if (expired || sndNext == sndUna) {
      rtoStart = now;
    }
    dupAck = false;
    pendingAck = false;
    if (after(after, sndNext)) {
      sndNext = after;
    }
    return new Outgoing(start, rcvNext, flags, window(), 0, start - sourceSeq, length);
  }

  private Outgoing control(int seq, int flags, int mssOption) {
    pendingAck = false;
    dupAck = false;
    return new Outgoing(seq, rcvNext, flags, window(), mssOption, 0, 0);
  }

  private int window() {
    return (int) Math.min(Integer.toUnsignedLong(rcvEdge - rcvNext), 0xFFFF);
  }
}
