package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import dev.updraft.vmm.virtio.balloon.HintingStatus;
import java.math.BigInteger;

/**
 * The balloon's bodies as Firecracker reads and writes them ({@code Balloon}, {@code
 * BalloonUpdate}, {@code BalloonStatsUpdate}, {@code BalloonStats}, {@code BalloonStartCmd}, {@code
 * BalloonHintingStatus}).
 */
final class BalloonJson {
  private BalloonJson() {}

  /** {@code Balloon}, for {@code PUT /balloon} and the {@code --config-file}'s "balloon". */
  static BalloonConfig config(JsonFields f) {
    f.only(
        "amount_mib",
        "deflate_on_oom",
        "stats_polling_interval_s",
        "free_page_hinting",
        "free_page_reporting");
    long amount = unsigned(f, "amount_mib", BalloonConfig.MAX_AMOUNT_MIB, true);
    boolean deflateOnOom = f.requiredBool("deflate_on_oom");
    long interval = unsigned(f, "stats_polling_interval_s", BalloonConfig.MAX_INTERVAL_S, false);
    boolean hinting = f.bool("free_page_hinting", false);
    boolean reporting = f.bool("free_page_reporting", false);
    return f.build(
        () -> new BalloonConfig(amount, deflateOnOom, (int) interval, hinting, reporting));
  }

  /** {@code BalloonUpdate}: the new target. */
  static long update(JsonFields f) {
    f.only("amount_mib");
    return unsigned(f, "amount_mib", BalloonConfig.MAX_AMOUNT_MIB, true);
  }

  /** {@code BalloonStatsUpdate}: the new interval. */
  static int statsUpdate(JsonFields f) {
    f.only("stats_polling_interval_s");
    return (int) unsigned(f, "stats_polling_interval_s", BalloonConfig.MAX_INTERVAL_S, true);
  }

  /**
   * {@code BalloonStartCmd}: whether the device ends the run by itself when the driver stops; true
   * if absent, and the body itself may be absent. As Firecracker's (which does not deny unknown
   * fields here) other fields are ignored.
   */
  static boolean startHinting(JsonFields f) {
    return f == null || f.bool("acknowledge_on_stop", true);
  }

  /** {@code BalloonHintingStatus}: {@code guest_cmd} is null until the driver sent one. */
  static ObjectNode writeHintingStatus(HintingStatus status) {
    ObjectNode json = Json.object();
    json.put("host_cmd", status.hostCmd());
    if (status.guestCmd() == null) {
      json.putNull("guest_cmd");
    } else {
      json.put("guest_cmd", status.guestCmd().longValue());
    }
    return json;
  }

  /** The sizes, then each statistic the guest has reported (the others are left out). */
  static ObjectNode writeStats(BalloonStats stats) {
    ObjectNode json = Json.object();
    json.put("target_pages", stats.targetPages());
    json.put("actual_pages", stats.actualPages());
    json.put("target_mib", stats.targetMib());
    json.put("actual_mib", stats.actualMib());
    // The guest's values are u64: one past Long.MAX_VALUE must not print as negative.
    stats
        .guest()
        .values()
        .forEach(
            (tag, value) -> json.put(tag.wireName(), new BigInteger(Long.toUnsignedString(value))));
    return json;
  }

  /**
   * An integer from 0 to {@code max} (Firecracker's u32 and u16 fields); 0 if optional and absent.
   */
  private static long unsigned(JsonFields f, String name, long max, boolean required) {
    Long value = required ? Long.valueOf(f.requiredInt64(name)) : f.int64(name);
    if (value == null) {
      return 0;
    }
    if (value < 0 || value > max) {
      throw new JsonFieldException(
          where(f, name) + ": " + value + " (expected: an integer from 0 to " + max + ")");
    }
    return value;
  }

  private static String where(JsonFields f, String name) {
    return f.path().isEmpty() ? name : f.path() + "." + name;
  }
}
