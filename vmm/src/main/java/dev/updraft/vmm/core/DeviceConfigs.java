package dev.updraft.vmm.core;

import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.ratelimit.BucketUpdate;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.net.NetConfig;

/**
 * From the API's configuration records (what the user asked for) to the device models' own (what a
 * device needs): the two layers change for different reasons, so they meet only here.
 */
final class DeviceConfigs {
  private DeviceConfigs() {}

  static BlockConfig block(Drive drive) {
    return new BlockConfig(
        drive.driveId(),
        drive.pathOnHost(),
        drive.isReadOnly(),
        drive.cacheType(),
        limiter(drive.rateLimiter()));
  }

  static NetConfig net(NetworkInterface nic) {
    return new NetConfig(
        nic.ifaceId(),
        nic.guestMac(),
        nic.mtu() == null ? 0 : nic.mtu(),
        limiter(nic.rxRateLimiter()),
        limiter(nic.txRateLimiter()));
  }

  /** A limiter at creation: an absent bucket limits nothing. */
  static RateLimiterConfig limiter(dev.updraft.vmm.config.RateLimiterConfig config) {
    if (config == null) {
      return RateLimiterConfig.UNLIMITED;
    }
    return new RateLimiterConfig(bucket(config.bandwidth()), bucket(config.ops()));
  }

  /** A PATCH: an absent bucket keeps its state, a given one replaces or (size 0) removes it. */
  static RateLimiterUpdate update(dev.updraft.vmm.config.RateLimiterConfig config) {
    if (config == null) {
      return RateLimiterUpdate.NONE;
    }
    return new RateLimiterUpdate(bucketUpdate(config.bandwidth()), bucketUpdate(config.ops()));
  }

  /** A bucket the user gave, checked that a limiter can run it; none limits nothing. */
  static TokenBucketConfig bucket(TokenBucketConfig b) {
    return b == null ? TokenBucketConfig.DISABLED : b.runnable();
  }

  private static BucketUpdate bucketUpdate(TokenBucketConfig b) {
    return b == null ? BucketUpdate.keep() : BucketUpdate.of(bucket(b));
  }
}
