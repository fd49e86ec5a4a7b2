package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.balance.LoadShedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H2PoolTest {
  /** A connection's network side that records the streams opened on it. */
  private static final class FakeLink implements H2Pool.Link {
    final H2Pool.Connection connection;
    final List<Runnable> streams = new ArrayList<>();
    boolean closed;

    FakeLink(H2Pool.Connection connection) {
      this.connection = connection;
    }

    @Override
    public void openStream(UpstreamClient.Callback callback, Runnable onClosed) {
      streams.add(onClosed);
      callback.acquired(null);
    }

    @Override
    public void close() {
      closed = true;
    }

    /** Ends the oldest stream still open. */
    void endStream() {
      streams.removeFirst().run();
    }
  }

  /** A request's side: whether it got a stream or a failure. */
  private static final class Request implements UpstreamClient.Callback {
    boolean acquired;
    RuntimeException failure;
    boolean abandoned;

    @Override
    public void acquired(Upstream upstream) {
      acquired = true;
    }

    @Override
    public void failed(RuntimeException cause) {
      failure = cause;
    }

    @Override
    public boolean abandoned() {
      return abandoned;
    }
  }

  /** A clock moved by hand, whose timers run when it passes them. */
  private static final class FakeClock implements H2Pool.Clock {
    long now;
    final List<long[]> due = new ArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
      due.add(new long[] {now + delayNanos});
      tasks.add(task);
    }

    void advance(Duration by) {
      now += by.toNanos();
      for (int i = 0; i < tasks.size(); i++) {
        if (due.get(i)[0] <= now) {
          due.remove(i);
          tasks.remove(i--).run();
        }
      }
    }
  }

  private static final Duration IDLE = Duration.ofSeconds(3);
  private final List<FakeLink> dialed = new ArrayList<>();
  private final FakeClock clock = new FakeClock();

  private H2Pool pool(int maxConnections, int maxWaiting) {
    return new H2Pool(
        (pool, connection) -> {
          FakeLink link = new FakeLink(connection);
          dialed.add(link);
          return link;
        },
        clock,
        IDLE,
        maxConnections,
        maxWaiting,
        "10.0.0.1:80");
  }

  private static List<Request> acquire(H2Pool pool, int n) {
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Request r = new Request();
      pool.acquire(r);
      requests.add(r);
    }
    return requests;
  }

  @Test
  void noStreamOpensBeforeTheServersSettingsAndNeverMoreThanItsLimit() {
    H2Pool pool = pool(1, 100);
    List<Request> requests = acquire(pool, 5);
    assertThat(dialed).hasSize(1);
    assertThat(requests).noneMatch(r -> r.acquired);

    pool.settings(dialed.getFirst().connection, 2);
    assertThat(requests.stream().filter(r -> r.acquired)).hasSize(2);
    assertThat(dialed.getFirst().streams).hasSize(2);
    assertThat(pool.waiting()).isEqualTo(3);

    dialed.getFirst().endStream();
    assertThat(requests.stream().filter(r -> r.acquired)).hasSize(3);
    assertThat(dialed.getFirst().streams).hasSize(2);
  }

  @Test
  void aFullConnectionBringsAnotherUpToTheBound() {
    H2Pool pool = pool(2, 100);
    acquire(pool, 1);
    pool.settings(dialed.getFirst().connection, 1);
    List<Request> more = acquire(pool, 3);
    assertThat(dialed).hasSize(2);
    pool.settings(dialed.get(1).connection, 1);
    assertThat(more.stream().filter(r -> r.acquired)).hasSize(1);
    // Both connections are full and none may be added: the rest wait, no third dial.
    assertThat(dialed).hasSize(2);
    assertThat(pool.waiting()).isEqualTo(2);
    assertThat(dialed).allMatch(link -> link.streams.size() == 1);
  }

  /** Two connections with a limit of one stream each, each carrying one. */
  private void twoFullConnections(H2Pool pool) {
    acquire(pool, 1);
    pool.settings(dialed.getFirst().connection, 1);
    acquire(pool, 1);
    pool.settings(dialed.get(1).connection, 1);
  }

  @Test
  void anIdleExtraConnectionClosesAndTheOldestStays() {
    H2Pool pool = pool(3, 100);
    twoFullConnections(pool);
    FakeLink first = dialed.getFirst();
    FakeLink extra = dialed.get(1);
    extra.endStream();
    first.endStream();
    clock.advance(IDLE.minusMillis(1));
    assertThat(extra.closed).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(extra.closed).isTrue();
    assertThat(first.closed).isFalse();
    assertThat(pool.connections()).hasSize(1);
    // The oldest still serves, idle or not; no new dial.
    Request next = acquire(pool, 1).getFirst();
    assertThat(next.acquired).isTrue();
    assertThat(dialed).hasSize(2);
    clock.advance(IDLE.multipliedBy(10));
    assertThat(first.closed).isFalse();
  }

  @Test
  void anExtraConnectionThatCarriedAStreamMeanwhileGetsItsFullIdleTime() {
    H2Pool pool = pool(2, 100);
    twoFullConnections(pool);
    FakeLink extra = dialed.get(1);
    extra.endStream();
    clock.advance(Duration.ofSeconds(2));
    acquire(pool, 1); // the oldest is full: the extra takes it
    assertThat(extra.streams).hasSize(1);
    extra.endStream();
    clock.advance(Duration.ofSeconds(2)); // the first clock fires: busy since, armed again
    assertThat(extra.closed).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(extra.closed).isTrue();
  }

  @Test
  void pastTheWaitingBoundARequestIsShedNotSent() {
    H2Pool pool = pool(1, 2);
    acquire(pool, 1);
    pool.settings(dialed.getFirst().connection, 1);
    List<Request> waiting = acquire(pool, 2);
    Request shed = new Request();
    pool.acquire(shed);
    assertThat(shed.failure).isInstanceOf(LoadShedException.class).hasMessageContaining("10.0.0.1");
    assertThat(waiting).noneMatch(r -> r.acquired || r.failure != null);
    assertThat(dialed.getFirst().streams).hasSize(1);
  }

  @Test
  void abandonedWaitersLeaveRoomAndGetNoStream() {
    H2Pool pool = pool(1, 1);
    acquire(pool, 1);
    pool.settings(dialed.getFirst().connection, 1);
    Request gaveUp = acquire(pool, 1).getFirst();
    gaveUp.abandoned = true;
    Request next = acquire(pool, 1).getFirst();
    assertThat(next.failure).isNull();
    dialed.getFirst().endStream();
    assertThat(gaveUp.acquired).isFalse();
    assertThat(next.acquired).isTrue();
  }

  @Test
  void aLoweredLimitHoldsNewStreamsUntilTheConnectionIsBelowIt() {
    H2Pool pool = pool(1, 100);
    acquire(pool, 3);
    FakeLink link = dialed.getFirst();
    pool.settings(link.connection, 3);
    Request later = acquire(pool, 1).getFirst();
    pool.settings(link.connection, 1);
    link.endStream();
    link.endStream();
    assertThat(later.acquired).isFalse();
    link.endStream();
    assertThat(later.acquired).isTrue();
    assertThat(link.streams).hasSize(1);
  }

  @Test
  void goAwayDrainsTheConnectionAndNewRequestsGetANewOne() {
    H2Pool pool = pool(1, 100);
    acquire(pool, 1);
    FakeLink first = dialed.getFirst();
    pool.settings(first.connection, 10);
    pool.goAway(first.connection);
    Request next = acquire(pool, 1).getFirst();
    assertThat(dialed).hasSize(2);
    assertThat(first.closed).isFalse(); // its stream below the last id still runs
    pool.settings(dialed.get(1).connection, 10);
    assertThat(next.acquired).isTrue();
    assertThat(dialed.get(1).streams).hasSize(1);
    first.endStream();
    assertThat(first.closed).isTrue();
  }

  @Test
  void aFailedConnectFailsTheWaitersAsAConnectFailure() {
    H2Pool pool = pool(2, 100);
    List<Request> requests = acquire(pool, 2);
    pool.closed(dialed.getFirst().connection, new UpstreamException("connect refused", true, null));
    assertThat(requests)
        .allMatch(
            r -> r.failure instanceof UpstreamException e && e.isConnectFailure() && !r.acquired);
    assertThat(dialed).hasSize(1); // no redial loop: the balancer's backoff decides
  }

  @Test
  void aClosedReadyConnectionIsReplacedForTheWaiters() {
    H2Pool pool = pool(1, 100);
    acquire(pool, 1);
    FakeLink first = dialed.getFirst();
    pool.settings(first.connection, 1);
    Request waiting = acquire(pool, 1).getFirst();
    pool.closed(first.connection, new UpstreamException("closed", true, null));
    assertThat(dialed).hasSize(2);
    pool.settings(dialed.get(1).connection, 1);
    assertThat(waiting.acquired).isTrue();
  }

  @Test
  void closingThePoolFailsWaitersAndLaterRequests() {
    H2Pool pool = pool(1, 100);
    Request waiting = acquire(pool, 1).getFirst();
    pool.close();
    assertThat(waiting.failure).isInstanceOf(UpstreamException.class);
    assertThat(dialed.getFirst().closed).isTrue();
    Request after = acquire(pool, 1).getFirst();
    assertThat(after.failure).hasMessageContaining("removed");
  }
}
