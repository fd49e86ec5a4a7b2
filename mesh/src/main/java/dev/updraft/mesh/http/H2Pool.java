package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.LoadShedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's HTTP/2 connections to one endpoint, kept within the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS: a request gets a stream on the oldest connection with a free
 * slot; when every connection is full it waits for a slot, and another connection is opened while
 * fewer than {@code maxConnections} are up; when {@code maxWaiting} requests already wait it is
 * shed (503), never sent to be refused. A connection serves no new stream before the server's first
 * SETTINGS (its limit) nor after its GOAWAY. The extra connections close once they have carried no
 * stream for {@code idle}; the oldest stays. Everything here runs on the pool's loop: no locks.
 */
final class H2Pool {
  /** One connection's network side. */
  interface Link {
    /** Opens a stream for {@code callback}; {@code onClosed} runs once when the stream is over. */
    void openStream(UpstreamClient.Callback callback, Runnable onClosed);

    void close();
  }

  /** Starts a connection, which reports back through {@link H2Pool}'s methods. */
  interface Dialer {
    Link dial(H2Pool pool, Connection connection);
  }

  /** The pool loop's clock and timer (the idle clock of extra connections). */
  interface Clock {
    long nanoTime();

    /** Runs {@code task} on the pool's loop after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos);
  }

  /** A connection's state as the pool sees it. */
  static final class Connection {
    private Link link;
    private boolean ready;
    private boolean draining;
    private long limit;
    private int active;
    private long idleSince;
    private boolean idleClockArmed;

    int active() {
      return active;
    }

    boolean hasRoom() {
      return ready && !draining && active < limit;
    }
  }

  private final Dialer dialer;
  private final Clock clock;
  private final long idleNanos;
  private final int maxConnections;
  private final int maxWaiting;
  private final String endpoint;
  private final List<Connection> connections = new ArrayList<>(2);
  private final ArrayDeque<UpstreamClient.Callback> waiting = new ArrayDeque<>();
  private boolean closed;

  /**
   * @param idle how long an extra connection (not the oldest) may carry no stream before it closes
   */
  H2Pool(
      Dialer dialer,
      Clock clock,
      Duration idle,
      int maxConnections,
      int maxWaiting,
      String endpoint) {
    if (maxConnections < 1 || maxWaiting < 0 || !idle.isPositive()) {
      throw new IllegalArgumentException(
          "maxConnections must be >= 1, maxWaiting >= 0 and idle > 0, got "
              + maxConnections
              + ", "
              + maxWaiting
              + " and "
              + idle);
    }
    this.dialer = dialer;
    this.clock = clock;
    this.idleNanos = idle.toNanos();
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
    this.endpoint = endpoint;
  }

  /** A stream for one request, now, once a slot frees, or a failure. */
  void acquire(UpstreamClient.Callback callback) {
    if (closed) {
      callback.failed(new UpstreamException("endpoint " + endpoint + " was removed", true, null));
      return;
    }
    Connection free = withRoom();
    if (free != null && waiting.isEmpty()) {
      open(free, callback);
      return;
    }
    waiting.removeIf(UpstreamClient.Callback::abandoned);
    if (waiting.size() >= maxWaiting) {
      callback.failed(
          new LoadShedException(
              "endpoint "
                  + endpoint
                  + " is at its HTTP/2 stream limit on every connection and "
                  + maxWaiting
                  + " requests already wait for a stream"));
      return;
    }
    waiting.add(callback);
    dispatch();
  }

  /** The server's SETTINGS: its stream limit, first or changed. */
  void settings(Connection connection, long maxConcurrentStreams) {
    connection.ready = true;
    connection.limit = maxConcurrentStreams;
    dispatch();
    // Dialled for waiters that were served elsewhere or gave up: it idles from now.
    idled(connection);
  }

  /** GOAWAY: the connection takes no new streams; its streams above the last id were refused. */
  void goAway(Connection connection) {
    connection.draining = true;
    connections.remove(connection);
    if (connection.active == 0) {
      connection.link.close();
    }
    dispatch();
  }

  /** The connection closed or never connected; {@code cause} says why, or null. */
  void closed(Connection connection, UpstreamException cause) {
    boolean wasReady = connection.ready;
    connection.draining = true;
    connections.remove(connection);
    if (!wasReady && cause != null && withRoom() == null && !connecting()) {
      // Nothing that could take the waiters is up: they fail as a connect failure would, and the
      // balancer's backoff (not a redial loop here) decides when this endpoint is tried again.
      failWaiting(cause);
      return;
    }
    dispatch();
  }

  /** Closes every connection; waiters and later acquisitions fail. */
  void close() {
    closed = true;
    for (Connection c : List.copyOf(connections)) {
      c.draining = true;
      c.link.close();
    }
    connections.clear();
    failWaiting(new UpstreamException("endpoint " + endpoint + " was removed", true, null));
  }

  int waiting() {
    return waiting.size();
  }

  List<Connection> connections() {
    return List.copyOf(connections);
  }

  private void open(Connection connection, UpstreamClient.Callback callback) {
    connection.active++;
    boolean[] once = new boolean[1];
    connection.link.openStream(
        callback,
        () -> {
          if (!once[0]) {
            once[0] = true;
            streamClosed(connection);
          }
        });
  }

  private void streamClosed(Connection connection) {
    connection.active--;
    if (connection.draining && connection.active == 0) {
      connection.link.close();
    }
    dispatch();
    idled(connection);
  }

  /**
   * Starts the idle clock of an extra connection that carries no stream. The clock is armed once
   * and, when it fires early (a stream came and went since), armed again for the rest, so a busy
   * connection costs no timer per stream.
   */
  private void idled(Connection connection) {
    if (connection.active > 0 || connection.draining || isOldest(connection)) {
      return;
    }
    connection.idleSince = clock.nanoTime();
    if (!connection.idleClockArmed) {
      connection.idleClockArmed = true;
      clock.schedule(() -> idleClockFired(connection), idleNanos);
    }
  }

  private void idleClockFired(Connection connection) {
    connection.idleClockArmed = false;
    if (connection.active > 0 || connection.draining || closed || isOldest(connection)) {
      return; // busy again: its next idle moment arms the clock; gone; or now the one kept
    }
    long left = connection.idleSince + idleNanos - clock.nanoTime();
    if (left > 0) {
      connection.idleClockArmed = true;
      clock.schedule(() -> idleClockFired(connection), left);
      return;
    }
    connection.draining = true;
    connections.remove(connection);
    connection.link.close();
  }

  private boolean isOldest(Connection connection) {
    return !connections.isEmpty() && connections.getFirst() == connection;
  }

  /** Gives waiters the free slots, and dials when they still wait and a connection may be added. */
  private void dispatch() {
    UpstreamClient.Callback next;
    while ((next = waiting.peek()) != null) {
      if (next.abandoned()) {
        waiting.poll();
        continue;
      }
      Connection free = withRoom();
      if (free == null) {
        break;
      }
      waiting.poll();
      open(free, next);
    }
    if (!waiting.isEmpty() && !closed && !connecting() && connections.size() < maxConnections) {
      Connection dialed = new Connection();
      connections.add(dialed);
      dialed.link = dialer.dial(this, dialed);
    }
  }

  private Connection withRoom() {
    for (Connection c : connections) {
      if (c.hasRoom()) {
        return c;
      }
    }
    return null;
  }

  private boolean connecting() {
    for (Connection c : connections) {
      if (!c.ready) {
        return true;
      }
    }
    return false;
  }

  private void failWaiting(RuntimeException cause) {
    UpstreamClient.Callback next;
    while ((next = waiting.poll()) != null) {
      if (!next.abandoned()) {
        next.failed(cause);
      }
    }
  }
}
