package dev.updraft.mesh.resilience;

import dev.updraft.mesh.config.RetryConfig;
import java.util.BitSet;
import java.util.function.LongSupplier;

/** A route's retry rules: which outcomes are retried, how many times, within which budget. */
public final class RetryPolicy {
  /** Bodies up to this size are kept for replay (Linkerd's max_request_bytes). */
  public static final int MAX_REPLAY_BYTES = 64 * 1024;

  public static final RetryPolicy NONE = new RetryPolicy(RetryConfig.NONE, System::nanoTime);

  private final int limit;
  private final BitSet httpStatuses;
  private final BitSet grpcCodes;
  private final boolean connectFailures;
  private final RetryBudget budget;

  public RetryPolicy(RetryConfig config, LongSupplier clock) {
    this.limit = config.limit();
    this.httpStatuses = config.httpStatuses();
    this.grpcCodes = config.grpcCodes();
    this.connectFailures = config.connectFailures();
    this.budget = new RetryBudget(config.budget(), clock);
  }

  public int limit() {
    return limit;
  }

  public boolean retriesStatus(int status) {
    return limit > 0 && httpStatuses.get(status);
  }

  public boolean retriesGrpc(int code) {
    return limit > 0 && code > 0 && grpcCodes.get(code);
  }

  public boolean retriesConnectFailures() {
    return limit > 0 && connectFailures;
  }

  /** Every first attempt deposits into the budget. */
  public void onRequest() {
    if (limit > 0) {
      budget.deposit();
    }
  }

  /** The retries its budget allows now (0 without retries). */
  public long budgetRemaining() {
    return limit > 0 ? budget.remaining() : 0;
  }

  /** Whether the budget allows one more retry (and takes it). */
  public boolean takeRetry() {
    return budget.withdraw();
  }
}
