package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /drives/{drive_id}}: a virtio-blk device backed by a host file.
 *
 * @param driveId letters, digits and underscores
 * @param pathOnHost the backing file
 * @param isRootDevice whether the guest mounts it as {@code /} ({@code root=/dev/vda} or by {@code
 *     partuuid}); at most one drive may be
 * @param partuuid the root partition's PARTUUID, used only for the root device; or null
 * @param isReadOnly whether the guest sees a read-only disk
 * @param cacheType whether guest flushes reach the host file
 * @param ioEngine blocking or asynchronous I/O
 * @param rateLimiter bandwidth and ops limits, or null for none
 */
public record Drive(
    String driveId,
    Path pathOnHost,
    boolean isRootDevice,
    String partuuid,
    boolean isReadOnly,
    CacheType cacheType,
    IoEngine ioEngine,
    RateLimiterConfig rateLimiter) {
  public Drive {
    ResourceId.check("drive_id", driveId);
    Objects.requireNonNull(pathOnHost, "path_on_host");
    Objects.requireNonNull(cacheType, "cache_type");
    Objects.requireNonNull(ioEngine, "io_engine");
    if (partuuid != null && partuuid.isBlank()) {
      throw ConfigException.of("partuuid", "\"" + partuuid + "\"", "a partition UUID or absent");
    }
  }

  /** This drive with the parts {@code update} sets replaced (PATCH semantics). */
  public Drive with(DriveUpdate update) {
    return new Drive(
        driveId,
        update.pathOnHost() != null ? update.pathOnHost() : pathOnHost,
        isRootDevice,
        partuuid,
        isReadOnly,
        cacheType,
        ioEngine,
        RateLimiterConfig.patched(rateLimiter, update.rateLimiter()));
  }
}
