package dev.updraft.vmm.virtio.block;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A drive as the API configures it ({@code PUT /drives/{drive_id}}), already validated.
 *
 * @param driveId the drive's id; GET_ID returns its first 20 bytes
 * @param path the host file backing the drive ({@code path_on_host})
 * @param readOnly whether the guest may only read ({@code is_read_only}); the file is then opened
 *     read-only
 * @param cacheType whether flushes reach the disk ({@code cache_type})
 * @param rateLimiter limits on requests and bytes per second ({@code rate_limiter})
 */
public record BlockConfig(
    String driveId,
    Path path,
    boolean readOnly,
    CacheType cacheType,
    RateLimiterConfig rateLimiter) {
  public BlockConfig {
    Objects.requireNonNull(driveId, "driveId");
    if (driveId.isBlank()) {
      throw new IllegalArgumentException("drive_id: \"" + driveId + "\" (expected: not blank)");
    }
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(cacheType, "cacheType");
    Objects.requireNonNull(rateLimiter, "rateLimiter");
  }
}
