package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import java.math.BigInteger;

/**
 * The balloon's bodies as Firecracker reads and writes them ({@code Balloon}, {@code
 * BalloonUpdate}, {@code BalloonStatsUpdate}, {@code BalloonStats}). Free page hinting and
 * reporting are recognised and refused when asked for, since updraft does not offer them.
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
    notOffered(f, "free_page_hinting");
    notOffered(f, "free_page_reporting");
    return f.build(() -> new BalloonConfig(amount, deflateOnOom, (int) interval));
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

  private static void notOffered(JsonFields f, String name) {
    if (f.bool(name, false)) {
      throw new JsonFieldException(
          where(f, name)
              + ": true (expected: false or absent; updraft does not offer "
              + name.replace('_', ' ')
              + " yet)");
    }
  }

  private static String where(JsonFields f, String name) {
    return f.path().isEmpty() ? name : f.path() + "." + name;
  }
}
