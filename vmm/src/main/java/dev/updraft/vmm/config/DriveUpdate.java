package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import java.nio.file.Path;

/**
 * {@code PATCH /drives/{drive_id}} after boot: a new backing file and/or rate limiter; null parts
 * stay as they are.
 */
public record DriveUpdate(String driveId, Path pathOnHost, RateLimiterConfig rateLimiter) {
  public DriveUpdate {
    ResourceId.check("drive_id", driveId);
  }
}
