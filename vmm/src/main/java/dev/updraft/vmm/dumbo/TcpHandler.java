package dev.updraft.vmm.dumbo;

import dev.updraft.vmm.metrics.Counters;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A TCP listener on one IPv4 address and port (Firecracker's {@code TcpIPv4Handler}): it steers
 * segments to their connection by the peer's address and port, opens a connection for a SYN,
 * answers what belongs to no connection with an RST, and yields the next packet to send.
 *
 * <p>Bounded: at most {@code maxConnections} connections, and a SYN beyond that replaces the oldest
 * connection still in its handshake, or one idle for {@link #EVICTION_NANOS}, or is reset; at most
 * {@value #MAX_RESETS} RSTs waiting (more are dropped); responses held within a {@link
 * ResponseBudget}. It counts in the {@code mmds} group: {@code connections_created}, {@code
 * connections_destroyed}, {@code rx_accepted_err} (malformed segments) and {@code
 * rx_accepted_unusual} (everything else out of the ordinary). Not thread-safe.
 */
public final class TcpHandler {
  /** Firecracker's bound on concurrent MMDS connections. */
  public static final int MAX_CONNECTIONS = 30;

  static final int MAX_RESETS = 100;
  static final long RTO_NANOS = 300_000_000L;
  static final int RTO_MAX = 15;
  static final long EVICTION_NANOS = 10_000_000_000L;

  private record Peer(int address, int port) {}

  private record Reset(Peer peer, int sequence, int acknowledgement, int flags) {}

  private final int localPort;
  private final HttpResponder responder;
  private final Counters counters;
  private final IntSupplier isn;
  private final ResponseBudget budget;
  private final Map<Peer, HttpEndpoint> endpoints = new LinkedHashMap<>();
  private final ArrayDeque<Reset> resets = new ArrayDeque<>();
  private int localAddress;

  /**
   * @param responseBudget bytes of responses all connections may hold at once
   * @param isn initial sequence numbers for new connections
   */
  public TcpHandler(
      int localAddress,
      int localPort,
      HttpResponder responder,
      long responseBudget,
      Counters counters,
      IntSupplier isn) {
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.responder = responder;
    this.budget = new ResponseBudget(responseBudget);
    this.counters = counters;
    this.isn = isn;
  }

  public int connectionCount() {
    return endpoints.size();
  }

  /** Response bytes held for clients that have not acknowledged them yet. */
  public long heldResponseBytes() {
    return budget.held();
  }

  /** Takes the TCP segment of {@code packet} (its payload, position 0 to limit). */
  public void receive(Ipv4.Header packet, ByteBuffer segment, boolean checksumPartial, long now) {
    Tcp.Parsed parsed = Tcp.parse(segment, packet.source(), packet.destination(), checksumPartial);
    Tcp.Header header = parsed.header();
    if (header == null || header.destinationPort() != localPort) {
      counters.increment("rx_accepted_err");
      return;
    }
    ByteBuffer payload =
        segment.slice(header.headerLength(), segment.limit() - header.headerLength());
    Peer peer = new Peer(packet.source(), header.sourcePort());
    HttpEndpoint endpoint = endpoints.get(peer);
    if (endpoint != null) {
      if (endpoint.receive(header, payload, now) != 0) {
        counters.increment("rx_accepted_unusual");
      }
      if (endpoint.done()) {
        remove(peer);
      }
    } else if (header.flags() == Tcp.SYN) {
      open(peer, header, payload.remaining(), now);
    } else if (!header.has(Tcp.RST)) {
      counters.increment("rx_accepted_unusual");
      resetFor(peer, header, payload.remaining());
    }
  }

  private void open(Peer peer, Tcp.Header syn, int payloadLength, long now) {
    TcpConnection tcp =
        TcpConnection.passiveOpen(
            syn, payloadLength, HttpEndpoint.RECEIVE_BUFFER, isn.getAsInt(), RTO_NANOS, RTO_MAX);
    if (tcp == null) {
      counters.increment("rx_accepted_err");
      return;
    }
    if (endpoints.size() >= MAX_CONNECTIONS && !evict(now)) {
      counters.increment("rx_accepted_unusual");
      resetFor(peer, syn, payloadLength);
      return;
    }
    endpoints.put(peer, new HttpEndpoint(tcp, responder, budget, now));
    counters.increment("connections_created");
  }

  /** Makes room: the oldest half-open connection, else one idle too long. */
  private boolean evict(long now) {
    Peer victim = null;
    for (Map.Entry<Peer, HttpEndpoint> entry : endpoints.entrySet()) {
      if (!entry.getValue().established()) {
        victim = entry.getKey();
        break;
      }
    }
    if (victim == null) {
      for (Map.Entry<Peer, HttpEndpoint> entry : endpoints.entrySet()) {
        if (now - entry.getValue().lastReceived() > EVICTION_NANOS) {
          victim = entry.getKey();
          break;
        }
      }
    }
    if (victim == null) {
      return false;
    }
    HttpEndpoint evicted = endpoints.get(victim);
    evicted.reset();
    // Its RST goes out now, from the queue, since the endpoint itself is dropped.
    TcpConnection.Outgoing rst = evicted.next(ByteBuffer.allocate(Tcp.MIN_HEADER + 4), now);
    if (rst != null) {
      queueReset(new Reset(victim, rst.sequence(), rst.acknowledgement(), rst.flags()));
    }
    remove(victim);
    return true;
  }

  /** RFC 9293's reset for a segment that belongs to no connection. */
  private void resetFor(Peer peer, Tcp.Header segment, int payloadLength) {
    if (segment.has(Tcp.ACK)) {
      queueReset(new Reset(peer, segment.acknowledgement(), 0, Tcp.RST));
    } else {
      int length = payloadLength + (segment.has(Tcp.SYN) ? 1 : 0) + (segment.has(Tcp.FIN) ? 1 : 0);
      queueReset(new Reset(peer, 0, segment.sequence() + length, Tcp.RST | Tcp.ACK));
    }
  }

  private void queueReset(Reset reset) {
    if (resets.size() < MAX_RESETS) {
      resets.add(reset);
    }
  }

  private void remove(Peer peer) {
    HttpEndpoint endpoint = endpoints.remove(peer);
    if (endpoint != null) {
      endpoint.release();
      counters.increment("connections_destroyed");
    }
  }

  /** When the next packet is due: {@code now} if one is ready, Long.MAX_VALUE if none waits. */
  public long nextDeadline(long now) {
    if (!resets.isEmpty()) {
      return now;
    }
    long next = Long.MAX_VALUE;
    for (HttpEndpoint endpoint : endpoints.values()) {
      next = Math.min(next, endpoint.nextDeadline(now));
    }
    return next;
  }

  /**
   * Writes the next IPv4 packet into {@code packet} (from position 0; its limit is the room) and
   * returns its length, or 0 if nothing is due.
   */
  public int next(ByteBuffer packet, long now) {
    ByteBuffer segment = packet.slice(Ipv4.MIN_HEADER, packet.limit() - Ipv4.MIN_HEADER);
    Reset reset = resets.poll();
    if (reset != null) {
      int length =
          Tcp.write(
              segment,
              localPort,
              reset.peer().port(),
              reset.sequence(),
              reset.acknowledgement(),
              reset.flags(),
              0,
              0,
              0,
              localAddress,
              reset.peer().address());
      Ipv4.writeHeader(packet, Ipv4.PROTOCOL_TCP, localAddress, reset.peer().address(), length);
      return Ipv4.MIN_HEADER + length;
    }
    List<Peer> done = new ArrayList<>();
    Peer served = null;
    int written = 0;
    for (Map.Entry<Peer, HttpEndpoint> entry : endpoints.entrySet()) {
      HttpEndpoint endpoint = entry.getValue();
      if (endpoint.nextDeadline(now) > now) {
        continue;
      }
      TcpConnection.Outgoing out = endpoint.next(segment, now);
      if (endpoint.done()) {
        done.add(entry.getKey());
      }
      if (out != null) {
        Peer peer = entry.getKey();
        int length =
            Tcp.write(
                segment,
                localPort,
                peer.port(),
                out.sequence(),
                out.acknowledgement(),
                out.flags(),
                out.window(),
                out.mss(),
                out.length(),
                localAddress,
                peer.address());
        Ipv4.writeHeader(packet, Ipv4.PROTOCOL_TCP, localAddress, peer.address(), length);
        written = Ipv4.MIN_HEADER + length;
        served = peer;
        break;
      }
    }
    if (served != null && !done.contains(served)) {
      // Round robin: the connection that just sent goes to the back.
      endpoints.put(served, endpoints.remove(served));
    }
    done.forEach(this::remove);
    return written;
  }

  /** A new address (PUT /mmds/config before boot); connections to the old one are gone. */
  public void localAddress(int address) {
    localAddress = address;
  }
}
