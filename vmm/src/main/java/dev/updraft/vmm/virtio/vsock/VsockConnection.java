package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.metrics.Counters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.LongSupplier;

/**
 * One vsock connection between a guest AF_VSOCK socket and a host stream: Firecracker's connection
 * state machine. It absorbs the guest's packets ({@link #send}), yields the packets the guest is
 * due ({@link #recv}), and moves data with credit-based flow control:
 *
 * <ul>
 *   <li>towards the guest, no more than the guest's free buffer, {@code buf_alloc - (sent -
 *       fwd_cnt)}, from its latest header; with none left the connection stops reading its stream
 *       (and asks for credit if it was about to send);
 *   <li>from the guest, everything it sends is taken: what the stream cannot take at once waits in
 *       a {@link TxBuffer} whose size is the {@code buf_alloc} the connection advertises, and a
 *       guest that overruns it loses the connection. When the guest's view of that buffer falls
 *       below 4 KiB free, a credit update tells it how much the stream has consumed.
 * </ul>
 *
 * A SHUTDOWN with both flags, an end of stream on the host side or any failure ends in an RST; a
 * connection that waits for the other side's part of that (a request, a shutdown) for more than two
 * seconds is killed. Not thread-safe: the device's lock guards it.
 */
final class VsockConnection {
  /** Below this many free bytes as the guest last heard, it gets a credit update. */
  static final int CREDIT_UPDATE_THRESHOLD = 4 * 1024;

  /** How long a host-initiated connection waits for the guest's response. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** How long a closing connection waits for the other side before it is killed. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  enum State {
    /** The host connected; the guest has not answered the request yet. */
    LOCAL_INIT,
    /** The guest asked; the response is due. */
    PEER_INIT,
    ESTABLISHED,
    /** The host stream ended; the guest was told to shut down. */
    LOCAL_CLOSED,
    /** The guest sent SHUTDOWN (see {@link #peerNoReceive()}, {@link #peerNoSend()}). */
    PEER_CLOSED,
    /** An RST is due, then the connection goes. */
    KILLED
  }

  /** Packets the connection owes the guest, yielded in this order of precedence. */
  private enum PendingRx {
    RST,
    RESPONSE,
    REQUEST,
    RW,
    CREDIT_UPDATE
  }

  private final long guestCid;
  private final int localPort;
  private final int peerPort;
  private final HostStream stream;
  private final Counters counters;
  private final LongSupplier clock;
  private final TxBuffer txBuffer = new TxBuffer();
  private final EnumSet<PendingRx> pending = EnumSet.noneOf(PendingRx.class);
  private State state;
  private boolean peerNoReceive;
  private boolean peerNoSend;
  // Wrapping 32-bit counters, as on the wire.
  private int fwdCnt;
  private int peerBufAlloc;
  private int peerFwdCnt;
  private int rxCnt;
  private int lastFwdCntToPeer;
  private boolean expiring;
  private long expiresAt;

  private VsockConnection(
      State state,
      PendingRx first,
      HostStream stream,
      long guestCid,
      int localPort,
      int peerPort,
      int peerBufAlloc,
      Counters counters,
      LongSupplier clock) {
    this.state = state;
    this.pending.add(first);
    this.stream = stream;
    this.guestCid = guestCid;
    this.localPort = localPort;
    this.peerPort = peerPort;
    this.peerBufAlloc = peerBufAlloc;
    this.counters = counters;
    this.clock = clock;
  }

  /** The guest asked for a connection and {@code stream} answered: a RESPONSE is due. */
  static VsockConnection peerInit(
      HostStream stream,
      long guestCid,
      int localPort,
      int peerPort,
      int peerBufAlloc,
      Counters counters,
      LongSupplier clock) {
    return new VsockConnection(
        State.PEER_INIT,
        PendingRx.RESPONSE,
        stream,
        guestCid,
        localPort,
        peerPort,
        peerBufAlloc,
        counters,
        clock);
  }

  /** A host process asked for guest port {@code peerPort}: a REQUEST is due. */
  static VsockConnection localInit(
      HostStream stream,
      long guestCid,
      int localPort,
      int peerPort,
      Counters counters,
      LongSupplier clock) {
    return new VsockConnection(
        State.LOCAL_INIT,
        PendingRx.REQUEST,
        stream,
        guestCid,
        localPort,
        peerPort,
        0,
        counters,
        clock);
  }

  State state() {
    return state;
  }

  boolean peerNoReceive() {
    return peerNoReceive;
  }

  boolean peerNoSend() {
    return peerNoSend;
  }

  HostStream stream() {
    return stream;
  }

  int localPort() {
    return localPort;
  }

  int peerPort() {
    return peerPort;
  }

  boolean hasPendingRx() {
    return !pending.isEmpty();
  }

  /** Whether a kill deadline is set and still ahead. */
  boolean willExpire() {
    return expiring && expiresAt - clock.getAsLong() > 0;
  }

  /** Whether a kill deadline is set and has passed. */
  boolean hasExpired() {
    return expiring && expiresAt - clock.getAsLong() <= 0;
  }

  /** Nanoseconds until the kill deadline (only meaningful while {@link #willExpire()}). */
  long nanosToExpiry() {
    return Math.max(0, expiresAt - clock.getAsLong());
  }

  /** Schedules an RST and gives up on anything still buffered for the host. */
  void kill() {
    state = State.KILLED;
    pending.add(PendingRx.RST);
    txBuffer.clear();
  }

  /** Writes bytes straight to the stream, outside flow control: the host handshake's reply. */
  boolean sendRaw(ByteBuffer bytes) {
    try {
      int n = bytes.remaining();
      return stream.write(bytes) == n;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The next packet the guest is due, with its data (for RW) put into {@code data} from its
   * position, at most its remaining bytes; null if nothing is due.
   */
  VsockHeader recv(ByteBuffer data) {
    VsockHeader next = next(data);
    if (next != null) {
      counters.increment("rx_packets_count");
    }
    return next;
  }

  private VsockHeader next(ByteBuffer data) {
    if (pending.remove(PendingRx.RST)) {
      return header(VsockOp.RST, 0, 0);
    }
    if (pending.remove(PendingRx.RESPONSE)) {
      state = State.ESTABLISHED;
      return header(VsockOp.RESPONSE, 0, 0);
    }
    if (pending.remove(PendingRx.REQUEST)) {
      expireIn(REQUEST_TIMEOUT);
      return header(VsockOp.REQUEST, 0, 0);
    }
    if (pending.remove(PendingRx.RW)) {
      VsockHeader rw = readStream(data);
      if (rw != null) {
        return rw;
      }
    }
    // A credit update says nothing any other packet would not, so it goes only when alone.
    if (pending.remove(PendingRx.CREDIT_UPDATE) && pending.isEmpty()) {
      lastFwdCntToPeer = fwdCnt;
      return header(VsockOp.CREDIT_UPDATE, 0, 0);
    }
    return null;
  }

  private VsockHeader readStream(ByteBuffer data) {
    boolean canSend = state == State.ESTABLISHED || (state == State.PEER_CLOSED && !peerNoReceive);
    if (!canSend) {
      return header(VsockOp.RST, 0, 0);
    }
    if (peerCredit() == 0) {
      lastFwdCntToPeer = fwdCnt;
      return header(VsockOp.CREDIT_REQUEST, 0, 0);
    }
    int max = (int) Math.min(data.remaining(), peerCredit());
    int start = data.position();
    int read;
    try {
      read = stream.read(data.limit(start + max));
    } catch (IOException e) {
      counters.increment("rx_read_fails");
      lastFwdCntToPeer = fwdCnt;
      return header(VsockOp.RST, 0, 0);
    }
    if (read == HostStream.WOULD_BLOCK) {
      return null; // drained: the stream is watched again
    }
    lastFwdCntToPeer = fwdCnt;
    if (read == 0) {
      state = State.LOCAL_CLOSED;
      expireIn(SHUTDOWN_TIMEOUT);
      return header(VsockOp.SHUTDOWN, 0, VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND);
    }
    rxCnt += read;
    counters.add("rx_bytes_count", read);
    // There may be more: stay due for another read until the stream would block.
    pending.add(PendingRx.RW);
    return header(VsockOp.RW, read, 0);
  }

  /** Absorbs a packet from the guest; {@code data} holds its data (RW only). Always consumes it. */
  void send(VsockHeader packet, ByteBuffer data) {
    peerBufAlloc = packet.bufAlloc();
    peerFwdCnt = packet.fwdCnt();
    counters.increment("tx_packets_count");
    VsockOp op = packet.operation().orElse(null);
    if (op == null) {
      return;
    }
    switch (op) {
      case RW -> {
        if (state == State.ESTABLISHED || (state == State.PEER_CLOSED && !peerNoSend)) {
          if (data.hasRemaining() && sendBytes(data) && peerNeedsCreditUpdate()) {
            pending.add(PendingRx.CREDIT_UPDATE);
          }
        }
      }
      case RESPONSE -> {
        if (state == State.LOCAL_INIT) {
          expiring = false;
          state = State.ESTABLISHED;
        }
      }
      case SHUTDOWN -> {
        if (state == State.ESTABLISHED || state == State.PEER_CLOSED) {
          state = State.PEER_CLOSED;
          peerNoReceive |= (packet.flags() & VsockHeader.SHUTDOWN_RCV) != 0;
          peerNoSend |= (packet.flags() & VsockHeader.SHUTDOWN_SEND) != 0;
          if (peerNoReceive && peerNoSend) {
            if (txBuffer.isEmpty()) {
              pending.add(PendingRx.RST);
            } else if (!expiring) {
              expireIn(SHUTDOWN_TIMEOUT);
            }
          }
        }
      }
      case CREDIT_REQUEST -> {
        boolean receiving =
            state == State.ESTABLISHED
                || state == State.PEER_INIT
                || (state == State.PEER_CLOSED && !peerNoSend);
        if (receiving) {
          pending.add(PendingRx.CREDIT_UPDATE);
        }
      }
      // The credit was taken from the header above; RST and REQUEST are the muxer's.
      case CREDIT_UPDATE, RST, REQUEST -> {}
    }
  }

  /** Sends data to the stream, buffering what it cannot take; false if the connection died. */
  private boolean sendBytes(ByteBuffer data) {
    if (!txBuffer.isEmpty()) {
      // Already waiting for the stream to take more: keep the order.
      return buffer(data);
    }
    int written;
    try {
      written = stream.write(data);
    } catch (IOException e) {
      counters.increment("tx_write_fails");
      kill();
      return false;
    }
    if (written > 0) {
      fwdCnt += written;
      counters.add("tx_bytes_count", written);
    }
    return !data.hasRemaining() || buffer(data);
  }

  private boolean buffer(ByteBuffer data) {
    if (txBuffer.push(data)) {
      return true;
    }
    // The guest sent more than the credit it was given.
    kill();
    return false;
  }

  /** The stream became ready: readable (data to forward) and/or writable (buffer to flush). */
  void notify(int ready) {
    if ((ready & VsockHost.READABLE) != 0) {
      pending.add(PendingRx.RW);
    }
    if ((ready & VsockHost.WRITABLE) != 0) {
      flush();
    }
  }

  private void flush() {
    if (txBuffer.isEmpty()) {
      counters.increment("conn_event_fails");
      return;
    }
    int flushed;
    try {
      flushed = txBuffer.flushTo(stream);
    } catch (IOException e) {
      counters.increment("tx_flush_fails");
      kill();
      return;
    }
    fwdCnt += flushed;
    counters.add("tx_bytes_count", flushed);
    if (state == State.PEER_CLOSED && peerNoReceive && peerNoSend && txBuffer.isEmpty()) {
      pending.add(PendingRx.RST);
    } else if (peerNeedsCreditUpdate()) {
      pending.add(PendingRx.CREDIT_UPDATE);
    }
  }

  /** What the stream should be watched for now ({@link VsockHost#READABLE} and/or WRITABLE). */
  int interest() {
    int interest = txBuffer.isEmpty() ? 0 : VsockHost.WRITABLE;
    boolean mayRead =
        switch (state) {
          case KILLED, LOCAL_CLOSED -> false;
          case PEER_CLOSED -> !peerNoReceive;
          case LOCAL_INIT, PEER_INIT, ESTABLISHED -> true;
        };
    // Without credit, or with data already waiting for a guest buffer, watching would only spin.
    if (mayRead && peerCredit() > 0 && !pending.contains(PendingRx.RW)) {
      interest |= VsockHost.READABLE;
    }
    return interest;
  }

  /** Bytes the guest can still take: its buf_alloc minus what it has not consumed yet. */
  long peerCredit() {
    return Integer.toUnsignedLong(peerBufAlloc - (rxCnt - peerFwdCnt));
  }

  private boolean peerNeedsCreditUpdate() {
    int seenFree = TxBuffer.SIZE - (fwdCnt - lastFwdCntToPeer);
    return Integer.compareUnsigned(seenFree, CREDIT_UPDATE_THRESHOLD) < 0;
  }

  private void expireIn(Duration timeout) {
    expiring = true;
    expiresAt = clock.getAsLong() + timeout.toNanos();
  }

  private VsockHeader header(VsockOp op, int len, int flags) {
    return VsockHeader.toGuest(
        guestCid, localPort, peerPort, op, len, flags, TxBuffer.SIZE, fwdCnt);
  }
}
