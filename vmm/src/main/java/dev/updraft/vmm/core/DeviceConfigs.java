package dev.updraft.vmm.core;

import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.net.NetConfig;

/**
 * From the API's configuration records (what the user asked for) to the device models' own (what a
 * device needs). The value types (MAC address, cache type, rate limiters) are the devices' and
 * shared; what is left here is the parts a device does not need and the defaults for absent ones.
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

  /** A limiter at creation, checked that it can run: none, or an absent bucket, limits nothing. */
  static RateLimiterConfig limiter(RateLimiterConfig config) {
    return config == null ? RateLimiterConfig.UNLIMITED : config.runnable();
  }

  /** A bucket the user gave, checked that a limiter can run it; none limits nothing. */
  static TokenBucketConfig bucket(TokenBucketConfig b) {
    return b == null ? TokenBucketConfig.DISABLED : b.runnable();
  }
}
