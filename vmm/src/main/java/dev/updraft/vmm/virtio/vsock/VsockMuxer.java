package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.metrics.Counters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The host side of the device (Firecracker's Unix-socket muxer): it makes and ends connections,
 * routes the guest's packets to theirs by (host port, guest port), turns the host's readiness
 * events into packets due to the guest, and answers what belongs to no connection with an RST.
 *
 * <p>Everything is bounded: at most {@value #MAX_CONNECTIONS} connections, {@value #MAX_HANDSHAKES}
 * host connections still sending their CONNECT line, {@value #MAX_RESETS} RSTs waiting for a guest
 * buffer (more are dropped; the guest's timeouts clean up). Connections due a packet wait in a set
 * served in turn, so one busy stream cannot starve the others. Not thread-safe: the device's lock
 * guards it, and every callback it hands the host runs through {@code events}, which takes that
 * lock.
 */
final class VsockMuxer {
  static final int MAX_CONNECTIONS = 1023;
  static final int MAX_HANDSHAKES = 64;
  static final int MAX_RESETS = 256;
  private static final int ACCEPTS_PER_EVENT = 16;
  private static final int FIRST_LOCAL_PORT = 1 << 30;

  /** A connection's identity: the host port and the guest port. */
  record Key(int localPort, int peerPort) {}

  private final long guestCid;
  private final VsockHost host;
  private final Counters counters;
  private final Consumer<Runnable> events;
  private final Map<Key, VsockConnection> connections = new HashMap<>();
  private final Map<Key, Integer> watched = new HashMap<>();
  private final Set<Key> hostInitiated = new HashSet<>();
  private final Set<HostHandshake> handshakes = new HashSet<>();
  private final LinkedHashSet<Key> due = new LinkedHashSet<>();
  private final ArrayDeque<VsockHeader> resets = new ArrayDeque<>();
  private int lastLocalPort = FIRST_LOCAL_PORT - 1;

  /**
   * @param events runs a host callback the way the device wants it: under its lock, then moving
   *     whatever packets the callback made due
   */
  VsockMuxer(long guestCid, VsockHost host, Counters counters, Consumer<Runnable> events) {
    this.guestCid = guestCid;
    this.host = host;
    this.counters = counters;
    this.events = events;
  }

  /** The device is active: accept host connections. */
  void activate() {
    host.listen(() -> events.accept(this::acceptHostConnections));
  }

  /** The device was reset: every connection goes, and host connections wait in the backlog. */
  void reset() {
    host.stopListening();
    dropConnections();
  }

  /** Drops every connection and handshake but keeps listening (a transport reset). */
  void dropConnections() {
    for (Key key : new ArrayList<>(connections.keySet())) {
      remove(key);
    }
    for (HostHandshake handshake : handshakes) {
      host.watch(handshake.stream(), 0, null);
      handshake.stream().close();
    }
    handshakes.clear();
    due.clear();
    resets.clear();
    lastLocalPort = FIRST_LOCAL_PORT - 1;
  }

  int connectionCount() {
    return connections.size();
  }

  boolean hasPendingRx() {
    return !resets.isEmpty() || !due.isEmpty();
  }

  /**
   * The next packet for the guest, its data (RW) put into {@code data} from its position; null if
   * no connection has anything to say right now.
   */
  VsockHeader recv(ByteBuffer data) {
    VsockHeader reset = resets.poll();
    if (reset != null) {
      return reset;
    }
    while (!due.isEmpty()) {
      Key key = due.removeFirst();
      VsockConnection connection = connections.get(key);
      if (connection == null) {
        continue;
      }
      VsockHeader[] made = new VsockHeader[1];
      mutate(key, connection, c -> made[0] = c.recv(data));
      if (made[0] == null) {
        continue;
      }
      if (made[0].op() == VsockOp.RST.code()) {
        remove(key);
      }
      return made[0];
    }
    return null;
  }

  /** A packet from the guest; {@code data} holds its data. Always consumed. */
  void send(VsockHeader packet, ByteBuffer data) {
    if (packet.type() != VsockHeader.TYPE_STREAM) {
      reset(packet.dstPort(), packet.srcPort());
      return;
    }
    if (packet.dstCid() != VsockHeader.HOST_CID) {
      return; // another guest, or nobody: not the host's to answer
    }
    Key key = new Key(packet.dstPort(), packet.srcPort());
    VsockConnection connection = connections.get(key);
    boolean rst = packet.op() == VsockOp.RST.code();
    if (connection == null) {
      if (packet.op() == VsockOp.REQUEST.code()) {
        connectToHost(key, packet);
      } else if (!rst) {
        reset(key.localPort(), key.peerPort());
      }
      return;
    }
    if (rst) {
      remove(key);
      return;
    }
    mutate(key, connection, c -> c.send(packet, data));
  }

  /** Kills the connections whose deadline has passed. */
  void sweep() {
    for (Map.Entry<Key, VsockConnection> entry : new ArrayList<>(connections.entrySet())) {
      if (entry.getValue().hasExpired()) {
        counters.increment("conns_killed");
        mutate(entry.getKey(), entry.getValue(), VsockConnection::kill);
      }
    }
  }

  private void connectToHost(Key key, VsockHeader request) {
    if (connections.size() >= MAX_CONNECTIONS) {
      reset(key.localPort(), key.peerPort());
      return;
    }
    HostStream stream;
    try {
      stream = host.connect(Integer.toUnsignedLong(key.localPort()));
    } catch (IOException e) {
      reset(key.localPort(), key.peerPort());
      return;
    }
    add(
        key,
        VsockConnection.peerInit(
            stream,
            guestCid,
            key.localPort(),
            key.peerPort(),
            request.bufAlloc(),
            counters,
            host::nanoTime));
  }

  private void acceptHostConnections() {
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
      HostStream stream;
      try {
        stream = host.accept();
      } catch (IOException e) {
        counters.increment("muxer_event_fails");
        return;
      }
      if (stream == null) {
        return;
      }
      if (connections.size() + handshakes.size() >= MAX_CONNECTIONS
          || handshakes.size() >= MAX_HANDSHAKES) {
        stream.close();
        continue;
      }
      HostHandshake handshake = new HostHandshake(stream);
      handshakes.add(handshake);
      host.watch(
          stream, VsockHost.READABLE, ready -> events.accept(() -> continueHandshake(handshake)));
    }
  }

  private void continueHandshake(HostHandshake handshake) {
    if (!handshakes.contains(handshake)) {
      return;
    }
    switch (handshake.read()) {
      case HostHandshake.Outcome.Waiting w -> {}
      case HostHandshake.Outcome.Refused r -> endHandshake(handshake).close();
      case HostHandshake.Outcome.Connect c -> {
        HostStream stream = endHandshake(handshake);
        int localPort = allocateLocalPort();
        Key key = new Key(localPort, c.port());
        hostInitiated.add(key);
        add(
            key,
            VsockConnection.localInit(
                stream, guestCid, localPort, c.port(), counters, host::nanoTime));
      }
    }
  }

  private HostStream endHandshake(HostHandshake handshake) {
    handshakes.remove(handshake);
    host.watch(handshake.stream(), 0, null);
    return handshake.stream();
  }

  private void add(Key key, VsockConnection connection) {
    connections.put(key, connection);
    counters.increment("conns_added");
    mutate(key, connection, c -> {});
  }

  /**
   * Runs {@code change} on a connection, then does what its new state asks: the host's "OK" once a
   * host-initiated connection is established, a turn in the queue if a packet is due, a kill timer
   * if a deadline was set, and a new watch if the events it waits for changed.
   */
  private void mutate(Key key, VsockConnection connection, Consumer<VsockConnection> change) {
    VsockConnection.State before = connection.state();
    boolean wasExpiring = connection.willExpire();
    change.accept(connection);
    if (before == VsockConnection.State.LOCAL_INIT
        && connection.state() == VsockConnection.State.ESTABLISHED) {
      String ok = "OK " + Integer.toUnsignedString(key.localPort()) + "\n";
      if (!connection.sendRaw(ByteBuffer.wrap(ok.getBytes(StandardCharsets.US_ASCII)))) {
        connection.kill();
      }
    }
    if (connection.hasPendingRx()) {
      due.add(key);
    }
    if (!wasExpiring && connection.willExpire()) {
      host.schedule(Duration.ofNanos(connection.nanosToExpiry()), () -> events.accept(this::sweep));
    }
    int interest = connection.interest();
    Integer current = watched.get(key);
    if (current == null ? interest != 0 : current != interest) {
      host.watch(
          connection.stream(),
          interest,
          ready -> events.accept(() -> streamReady(key, connection, ready)));
      if (interest == 0) {
        watched.remove(key);
      } else {
        watched.put(key, interest);
      }
    }
  }

  private void streamReady(Key key, VsockConnection connection, int ready) {
    // An event that was on its way when the connection went (or was replaced) finds nobody.
    if (connections.get(key) != connection) {
      counters.increment("muxer_event_fails");
      return;
    }
    mutate(key, connection, c -> c.notify(ready));
  }

  private void remove(Key key) {
    VsockConnection connection = connections.remove(key);
    if (connection == null) {
      return;
    }
    if (watched.remove(key) != null) {
      host.watch(connection.stream(), 0, null);
    }
    connection.stream().close();
    due.remove(key);
    hostInitiated.remove(key);
    counters.increment("conns_removed");
  }

  private void reset(int localPort, int peerPort) {
    if (resets.size() >= MAX_RESETS) {
      counters.increment("muxer_event_fails");
      return;
    }
    resets.add(VsockHeader.toGuest(guestCid, localPort, peerPort, VsockOp.RST, 0, 0, 0, 0));
  }

  /** The next free host port of [2^30, 2^31), round robin, as Firecracker allocates them. */
  private int allocateLocalPort() {
    Set<Integer> used = new HashSet<>();
    for (Key key : hostInitiated) {
      used.add(key.localPort());
    }
    do {
      lastLocalPort = ((lastLocalPort + 1) & ~(1 << 31)) | FIRST_LOCAL_PORT;
    } while (used.contains(lastLocalPort));
    return lastLocalPort;
  }

  /** The connections' keys, for tests. */
  List<Key> keys() {
    return List.copyOf(connections.keySet());
  }
}
