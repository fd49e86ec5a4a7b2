package dev.updraft.mesh.policy;

import dev.updraft.mesh.config.RateLimitConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A server's HTTPLocalRateLimitPolicy, in Linkerd's order: the total limit, then the client's
 * override if it has one, else the per-identity limit (unauthenticated clients share one bucket).
 * Limits are local to this proxy.
 */
final class RateLimiter {
  /** Which limit refused a request: the {@code rate_limit} metric label. */
  enum Limit {
    TOTAL,
    OVERRIDE,
    IDENTITY
  }

  private static final String UNAUTHENTICATED = "";
  private final Gcra total;
  private final Integer perIdentity;
  private final Map<String, Integer> overrides = new HashMap<>();
  private final Map<String, Gcra> buckets = new ConcurrentHashMap<>();
  private final Map<String, Gcra> overrideBuckets = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  RateLimiter(RateLimitConfig config, LongSupplier clock) {
    this.total = config.total() == null ? null : new Gcra(config.total());
    this.perIdentity = config.identity();
    for (RateLimitConfig.Override o : config.overrides()) {
      for (String id : o.identities()) {
        overrides.put(id, o.requestsPerSecond());
      }
    }
    this.clock = clock;
  }

  /** The limit a request from {@code clientId} (null: unauthenticated) exceeds, or null. */
  Limit check(String clientId) {
    long now = clock.getAsLong();
    if (total != null && !total.tryAcquire(now)) {
      return Limit.TOTAL;
    }
    Integer override = clientId == null ? null : overrides.get(clientId);
    if (override != null) {
      return overrideBuckets.computeIfAbsent(clientId, k -> new Gcra(override)).tryAcquire(now)
          ? null
          : Limit.OVERRIDE;
    }
    if (perIdentity == null) {
      return null;
    }
    String key = clientId == null ? UNAUTHENTICATED : clientId;
    return buckets.computeIfAbsent(key, k -> new Gcra(perIdentity)).tryAcquire(now)
        ? null
        : Limit.IDENTITY;
  }
}
