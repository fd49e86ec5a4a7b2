package dev.updraft.mesh.config;

import java.util.List;

/**
 * Linkerd 2.17's {@code HTTPLocalRateLimitPolicy}: a limit on all requests to a server, one per
 * client identity (unauthenticated clients share one), and per-identity overrides. Requests beyond
 * a limit get 429.
 *
 * @param total requests per second for the whole server, or none
 * @param identity requests per second per client identity, or none
 * @param overrides identities with their own per-second limit
 */
public record RateLimitConfig(Integer total, Integer identity, List<Override> overrides) {
  /** A per-identity limit for some clients. */
  public record Override(Integer requestsPerSecond, List<String> identities) {
    public Override {
      positive("overrides[].requestsPerSecond", requestsPerSecond);
      if (identities == null || identities.isEmpty()) {
        throw new MeshConfigException(
            "rateLimit.overrides[].identities: empty (expected: client identities)");
      }
      identities = List.copyOf(identities);
    }
  }

  public RateLimitConfig {
    if (total != null) {
      positive("total", total);
    }
    if (identity != null) {
      positive("identity", identity);
    }
    overrides = overrides == null ? List.of() : List.copyOf(overrides);
  }

  private static void positive(String field, Integer value) {
    if (value == null || value < 1) {
      throw new MeshConfigException(
          "rateLimit." + field + ": " + value + " (expected: requests per second >= 1)");
    }
  }
}
