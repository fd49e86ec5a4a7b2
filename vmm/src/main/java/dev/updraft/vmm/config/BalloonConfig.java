package dev.updraft.vmm.config;

/**
 * {@code /balloon}: a virtio-balloon device (Firecracker's {@code BalloonDeviceConfig}).
 *
 * @param amountMib the target size of the balloon, 0 to 2^32 - 1 (and at most the memory size,
 *     which {@link VmResources} checks)
 * @param deflateOnOom whether the guest may deflate the balloon when it runs out of memory
 * @param statsPollingIntervalS seconds between statistics updates, 0 to 65535; 0 turns them off
 * @param freePageHinting whether the device offers free page hinting ({@code /balloon/hinting/*})
 * @param freePageReporting whether the device offers free page reporting
 */
public record BalloonConfig(
    long amountMib,
    boolean deflateOnOom,
    int statsPollingIntervalS,
    boolean freePageHinting,
    boolean freePageReporting) {
  public static final long MAX_AMOUNT_MIB = 0xFFFF_FFFFL;
  public static final int MAX_INTERVAL_S = 0xFFFF;

  /** A balloon without free page hinting or reporting. */
  public BalloonConfig(long amountMib, boolean deflateOnOom, int statsPollingIntervalS) {
    this(amountMib, deflateOnOom, statsPollingIntervalS, false, false);
  }

  public BalloonConfig {
    if (amountMib < 0 || amountMib > MAX_AMOUNT_MIB) {
      throw ConfigException.of("amount_mib", amountMib, "an integer from 0 to " + MAX_AMOUNT_MIB);
    }
    if (statsPollingIntervalS < 0 || statsPollingIntervalS > MAX_INTERVAL_S) {
      throw ConfigException.of(
          "stats_polling_interval_s",
          statsPollingIntervalS,
          "an integer from 0 to " + MAX_INTERVAL_S);
    }
  }

  public BalloonConfig withAmountMib(long newAmountMib) {
    return new BalloonConfig(
        newAmountMib, deflateOnOom, statsPollingIntervalS, freePageHinting, freePageReporting);
  }

  public BalloonConfig withStatsPollingIntervalS(int interval) {
    return new BalloonConfig(amountMib, deflateOnOom, interval, freePageHinting, freePageReporting);
  }
}
