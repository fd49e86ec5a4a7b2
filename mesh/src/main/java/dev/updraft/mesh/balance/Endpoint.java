package dev.updraft.mesh.balance;

import dev.updraft.mesh.config.BackendConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * One address of a backend with everything the balancer knows about it: its PeakEWMA load, the
 * requests in flight, its breaker, its connect backoff, and the client that talks to it.
 *
 * @param <C> the transport's client for this endpoint (connection pools)
 */
public final class Endpoint<C> {
  private static final long MIN_CONNECT_BACKOFF_NANOS = 100_000_000L;
  private static final long MAX_CONNECT_BACKOFF_NANOS = 60_000_000_000L;
  private static final double CONNECT_JITTER = 0.1;

  private final InetSocketAddress address;
  private final String label;
  private final PeakEwma ewma;
  private final Breaker breaker;
  private final RandomGenerator random;
  private final AtomicInteger pending = new AtomicInteger();
  private final C client;
  private int connectFailures;
  private volatile long connectBackoffUntil;

  Endpoint(
      InetSocketAddress address, BackendConfig config, C client, long now, RandomGenerator random) {
    this.address = address;
    this.label = address.getAddress().getHostAddress() + ":" + address.getPort();
    this.ewma =
        new PeakEwma(
            config.balancer().defaultRtt().toNanos(), config.balancer().decay().toNanos(), now);
    this.breaker = new Breaker(config.breaker(), random);
    this.random = random;
    this.client = client;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** {@code ip:port}, as metrics label it. */
  public String label() {
    return label;
  }

  public C client() {
    return client;
  }

  public Breaker breaker() {
    return breaker;
  }

  public int pending() {
    return pending.get();
  }

  public double rttEstimateMillis() {
    return ewma.estimateNanos() / 1e6;
  }

  /** Ready: its breaker admits requests and it is not backing off after a failed connect. */
  public boolean isReady(long now) {
    return now >= connectBackoffUntil && breaker.isReady(now);
  }

  double load(long now) {
    return ewma.load(pending.get(), now);
  }

  /**
   * A request is being sent here. Pair with exactly one completion call.
   *
   * @return whether it is the breaker's probe, to be passed to {@link #onCancel(boolean)}
   */
  public boolean start(long now) {
    pending.incrementAndGet();
    return breaker.admit(now);
  }

  /** The response head arrived after {@code rttNanos}: a PeakEWMA sample. */
  public void observeRtt(long rttNanos, long now) {
    ewma.observe(rttNanos, now);
  }

  /**
   * The response ended, as a success or a failure for the breaker.
   *
   * @return when an opened breaker admits a probe, or -1
   */
  public long complete(boolean success, long now) {
    return finish(success, now);
  }

  /** The request failed without a response (reset, timeout). Returns when to retry the endpoint. */
  public long onError(long now) {
    return finish(false, now);
  }

  /** The request ended without being judged (the client went away, it was shed). */
  public void onCancel(boolean probe) {
    pending.decrementAndGet();
    if (probe) {
      breaker.onProbeCancelled();
    }
  }

  /**
   * A connection attempt failed: the endpoint backs off exponentially (100 ms to 60 s, jitter 0.1,
   * Linkerd's outbound connect backoff) and counts a breaker failure.
   *
   * @return when the endpoint may be tried again
   */
  public synchronized long onConnectFailure(long now) {
    long backoff =
        Math.min(
            MAX_CONNECT_BACKOFF_NANOS, MIN_CONNECT_BACKOFF_NANOS << Math.min(connectFailures, 16));
    connectFailures++;
    backoff += (long) (backoff * CONNECT_JITTER * random.nextDouble());
    connectBackoffUntil = now + backoff;
    long breakerUntil = finish(false, now);
    return Math.max(connectBackoffUntil, breakerUntil);
  }

  /** A connection was established: the connect backoff resets. */
  public synchronized void onConnected() {
    connectFailures = 0;
    connectBackoffUntil = 0;
  }

  private long finish(boolean success, long now) {
    pending.decrementAndGet();
    if (success) {
      breaker.onSuccess();
      return -1;
    }
    return breaker.onFailure(now);
  }

  @Override
  public String toString() {
    return label;
  }
}
