package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.ratelimit.BucketUpdate;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drive's rate limiter as the guest sees it: the blkbench guest reads 8 MiB and reports how long
 * it took by its own clock. A limit is checked as an upper bound; lifting or removing it is checked
 * against a throttled run made beside it, never against a fixed speed the machine may not have.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class RateLimitIT {
  private static final int MIB = 1 << 20;
  @TempDir Path dir;

  @Test
  void aBandwidthLimitThrottlesTheGuestsReads() throws Exception {
    Path disk = disk(16);
    // 2 MiB per 250 ms = 8 MiB/s; 8 MiB then take about a second (the first 2 MiB are free).
    RateLimiterConfig limit =
        new RateLimiterConfig(new TokenBucketConfig(2 * MIB, 0, 250), TokenBucketConfig.DISABLED);
    long limited = mibPerSecond(disk, limit);
    long unlimited = mibPerSecond(disk, RateLimiterConfig.UNLIMITED);
    System.out.printf("blk rate limit: %d MiB/s limited, %d MiB/s unlimited%n", limited, unlimited);
    // The limit is an upper bound; how fast the guest goes below it depends on the machine's load,
    // so the lower bounds only compare runs made side by side.
    assertThat(limited).isBetween(1L, 12L);
    assertThat(unlimited).isGreaterThan(limited + limited / 2);
  }

  @Test
  void anOpsLimitThrottlesRequestsAndCanBeLiftedAtRunTime() throws Exception {
    Path disk = disk(16);
    // 20 requests per 100 ms: 128 requests of 64 KiB take ~0.5 s unless the limit is lifted.
    RateLimiterConfig limit =
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(20, 0, 100));
    BlockConfig drive = new BlockConfig("data", disk, true, CacheType.UNSAFE, limit);
    long opsLimited;
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("blkbench"), "mib=8 req_kib=64", 1, 64, b -> b.drive(drive))) {
      opsLimited = Long.parseLong(run.report().requirePassed("blkbench").require("mib_per_s"));
      System.out.printf("blk ops limit: %d MiB/s%n", opsLimited);
      assertThat(opsLimited).isLessThanOrEqualTo(30);
      assertThat(run.vm.metrics())
          .filteredOn(c -> c.group().equals("block_data"))
          .singleElement()
          .satisfies(
              c -> assertThat(c.snapshot().get("rate_limiter_throttled_events")).isPositive());
    }
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("blkbench"), "mib=8 req_kib=64", 1, 64, b -> b.drive(drive))) {
      run.vm.onDeviceThread(
          () -> {
            run.vm
                .drive("data")
                .orElseThrow()
                .updateRateLimiter(
                    new RateLimiterUpdate(
                        BucketUpdate.keep(), BucketUpdate.of(TokenBucketConfig.DISABLED)));
            return null;
          });
      long lifted = Long.parseLong(run.report().requirePassed("blkbench").require("mib_per_s"));
      System.out.printf("blk ops limit lifted at run time: %d MiB/s%n", lifted);
      assertThat(lifted).isGreaterThan(opsLimited + opsLimited / 2);
    }
  }

  private long mibPerSecond(Path disk, RateLimiterConfig limit) throws Exception {
    BlockConfig drive = new BlockConfig("data", disk, true, CacheType.UNSAFE, limit);
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("blkbench"), "mib=8 req_kib=128", 1, 64, b -> b.drive(drive))) {
      return Long.parseLong(run.report().requirePassed("blkbench").require("mib_per_s"));
    }
  }

  private Path disk(int mib) throws Exception {
    Path disk = dir.resolve("disk-" + mib + ".img");
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength((long) mib * MIB);
    }
    return disk;
  }
}
