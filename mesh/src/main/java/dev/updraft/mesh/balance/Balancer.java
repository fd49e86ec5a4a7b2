package dev.updraft.mesh.balance;

import dev.updraft.mesh.config.BackendConfig;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The balancer of one backend: power of two choices over PeakEWMA among ready endpoints, with
 * Linkerd's queue in front. A request that finds no ready endpoint waits (up to {@code
 * queueCapacity} of them, beyond which they are shed with 503); when none becomes ready within the
 * failfast timeout the waiters fail with 504 and the backend stays in fail-fast, failing new
 * requests at once, until an endpoint is ready again.
 *
 * @param <C> the transport client kept per endpoint
 */
public final class Balancer<C> {
  /** Receives the chosen endpoint, or why there is none. Called on any thread. */
  public interface Callback<C> {
    void ready(Endpoint<C> endpoint);

    void failed(RuntimeException cause);
  }

  /** A queued request that can be withdrawn (the client went away). */
  public interface Ticket {
    void cancel();
  }

  private final String name;
  private final BackendConfig config;
  private final Function<InetSocketAddress, C> clients;
  private final Consumer<C> closer;
  private final ScheduledExecutorService timer;
  private final LongSupplier clock;
  private final RandomGenerator random;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private volatile List<Endpoint<C>> endpoints = List.of();
  private boolean failFast;

  public Balancer(
      String name,
      BackendConfig config,
      Function<InetSocketAddress, C> clients,
      Consumer<C> closer,
      ScheduledExecutorService timer,
      LongSupplier clock,
      RandomGenerator random) {
    this.name = name;
    this.config = config;
    this.clients = clients;
    this.closer = closer;
    this.timer = timer;
    this.clock = clock;
    this.random = random;
  }

  public String name() {
    return name;
  }

  public List<Endpoint<C>> endpoints() {
    return endpoints;
  }

  /** Replaces the endpoint set; endpoints that stay keep their load, breaker and connections. */
  public void update(List<InetSocketAddress> addresses) {
    List<Endpoint<C>> removed = new ArrayList<>();
    synchronized (this) {
      Map<InetSocketAddress, Endpoint<C>> current = new HashMap<>();
      for (Endpoint<C> e : endpoints) {
        current.put(e.address(), e);
      }
      List<Endpoint<C>> next = new ArrayList<>();
      long now = clock.getAsLong();
      for (InetSocketAddress address : addresses) {
        Endpoint<C> existing = current.remove(address);
        next.add(
            existing != null
                ? existing
                : new Endpoint<>(address, config, clients.apply(address), now, random));
      }
      removed.addAll(current.values());
      endpoints = List.copyOf(next);
    }
    removed.forEach(e -> closer.accept(e.client()));
    drain();
  }

  /** Picks an endpoint now, or returns null when none is ready. */
  public Endpoint<C> pick() {
    return pick(null);
  }

  /**
   * Like {@link #pick()}, avoiding {@code avoid} (the endpoint a retry just failed on) if it can.
   */
  public Endpoint<C> pick(Endpoint<C> avoid) {
    long now = clock.getAsLong();
    List<Endpoint<C>> all = endpoints;
    Endpoint<C> first = null;
    Endpoint<C> second = null;
    int readyCount = 0;
    // Reservoir-sample two distinct ready endpoints in one pass, without allocating.
    for (Endpoint<C> e : all) {
      if (e == avoid || !e.isReady(now)) {
        continue;
      }
      readyCount++;
      if (readyCount == 1) {
        first = e;
      } else if (readyCount == 2) {
        second = e;
      } else {
        int slot = random.nextInt(readyCount);
        if (slot == 0) {
          first = e;
        } else if (slot == 1) {
          second = e;
        }
      }
    }
    if (first == null) {
      return avoid != null && avoid.isReady(now) ? avoid : null;
    }
    if (second == null) {
      return first;
    }
    return first.load(now) <= second.load(now) ? first : second;
  }

  /**
   * Finds an endpoint for a request: at once when one is ready, otherwise after queueing. The
   * callback runs on this thread when an endpoint is ready now, else on a timer or another thread.
   */
  public Ticket acquire(Endpoint<C> avoid, Callback<C> callback) {
    Endpoint<C> endpoint = pick(avoid);
    if (endpoint != null) {
      synchronized (this) {
        failFast = false;
      }
      callback.ready(endpoint);
      return () -> {};
    }
    Waiter waiter;
    synchronized (this) {
      if (failFast) {
        callback.failed(new FailFastException(name, config.failfastTimeout().toMillis()));
        return () -> {};
      }
      if (queue.size() >= config.queueCapacity()) {
        callback.failed(new LoadShedException(name, config.queueCapacity()));
        return () -> {};
      }
      waiter = new Waiter(callback, avoid);
      queue.add(waiter);
      waiter.timeout =
          timer.schedule(
              () -> expire(waiter), config.failfastTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    // An endpoint may have become ready between pick() and queueing.
    drain();
    return waiter;
  }

  /** The number of requests waiting for an endpoint. */
  public synchronized int queueLength() {
    return queue.size();
  }

  /** Whether the backend is failing fast. */
  public synchronized boolean inFailFast() {
    return failFast;
  }

  /** Hands queued requests to endpoints that became ready. */
  public void drain() {
    while (true) {
      Waiter waiter;
      Endpoint<C> endpoint;
      synchronized (this) {
        waiter = queue.peek();
        if (waiter == null) {
          return;
        }
        endpoint = pick(waiter.avoid);
        if (endpoint == null) {
          return;
        }
        queue.poll();
        failFast = false;
      }
      waiter.timeout.cancel(false);
      waiter.callback.ready(endpoint);
    }
  }

  /** Calls {@link #drain()} once {@code atNanos} (a clock reading) has passed. */
  public void drainAt(long atNanos) {
    long delay = Math.max(0, atNanos - clock.getAsLong()) + 1_000_000;
    timer.schedule(this::drain, delay, TimeUnit.NANOSECONDS);
  }

  private void expire(Waiter waiter) {
    synchronized (this) {
      if (!queue.remove(waiter)) {
        return;
      }
      failFast = true;
    }
    waiter.callback.failed(new FailFastException(name, config.failfastTimeout().toMillis()));
  }

  private final class Waiter implements Ticket {
    final Callback<C> callback;
    final Endpoint<C> avoid;
    ScheduledFuture<?> timeout;

    Waiter(Callback<C> callback, Endpoint<C> avoid) {
      this.callback = callback;
      this.avoid = avoid;
    }

    @Override
    public void cancel() {
      boolean removed;
      synchronized (Balancer.this) {
        removed = queue.remove(this);
      }
      if (removed && timeout != null) {
        timeout.cancel(false);
      }
    }
  }
}
