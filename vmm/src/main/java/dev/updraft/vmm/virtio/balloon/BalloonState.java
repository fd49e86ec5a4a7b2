package dev.updraft.vmm.virtio.balloon;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The balloon as a snapshot keeps it. Unlike other devices it carries its own configuration: the
 * target moves at run time, and the state file's configuration section predates the balloon.
 *
 * @param targetPages num_pages, the size the host asks for
 * @param actualPages actual, the size the guest reports
 * @param deflateOnOom whether DEFLATE_ON_OOM is offered
 * @param statsIntervalS the polling interval, 0 if the stats queue is off
 * @param statsHead the stats buffer the device holds until the next poll, or -1
 * @param stats what the guest last reported
 * @param freePageHinting whether FREE_PAGE_HINT (and its queue) is offered
 * @param freePageReporting whether PAGE_REPORTING (and its queue) is offered
 * @param hinting where the hinting run stands ({@link HintingState#INITIAL} without hinting)
 */
public record BalloonState(
    long targetPages,
    long actualPages,
    boolean deflateOnOom,
    int statsIntervalS,
    int statsHead,
    GuestStats stats,
    boolean freePageHinting,
    boolean freePageReporting,
    HintingState hinting)
    implements Encodable {
  /** A balloon without free page hinting or reporting, as format 1.1 knew it. */
  public BalloonState(
      long targetPages,
      long actualPages,
      boolean deflateOnOom,
      int statsIntervalS,
      int statsHead,
      GuestStats stats) {
    this(
        targetPages,
        actualPages,
        deflateOnOom,
        statsIntervalS,
        statsHead,
        stats,
        false,
        false,
        HintingState.INITIAL);
  }

  public BalloonState {
    if (targetPages < 0 || targetPages > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "targetPages: " + targetPages + " (expected: 0 to 4294967295)");
    }
    if (actualPages < 0 || actualPages > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "actualPages: " + actualPages + " (expected: 0 to 4294967295)");
    }
    if (statsIntervalS < 0 || statsIntervalS > 0xFFFF) {
      throw new IllegalArgumentException(
          "statsIntervalS: " + statsIntervalS + " (expected: 0 to 65535)");
    }
    if (statsHead < -1 || statsHead >= 0x10000) {
      throw new IllegalArgumentException(
          "statsHead: " + statsHead + " (expected: -1 or a descriptor index)");
    }
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(hinting, "hinting");
  }

  @Override
  public void write(StateWriter out) {
    out.writeLong(targetPages)
        .writeLong(actualPages)
        .writeBool(deflateOnOom)
        .writeInt(statsIntervalS)
        .writeInt(statsHead);
    out.writeInt(stats.values().size());
    stats.values().forEach((tag, value) -> out.writeShort(tag.tag()).writeLong(value));
    // Format 1.2: the free page features after what 1.1 wrote, so a 1.1 section still reads.
    out.writeBool(freePageHinting).writeBool(freePageReporting);
    out.write(hinting);
  }

  public static BalloonState read(StateReader in) {
    long target = in.readLong();
    long actual = in.readLong();
    boolean deflateOnOom = in.readBool();
    int interval = in.readInt();
    int head = in.readInt();
    int count = in.readInt();
    if (count < 0 || count > StatTag.values().length) {
      throw in.failure(
          "stats: " + count + " entries (expected: 0 to " + StatTag.values().length + ")");
    }
    Map<StatTag, Long> values = new EnumMap<>(StatTag.class);
    for (int i = 0; i < count; i++) {
      int tag = in.readShort();
      StatTag known = StatTag.of(tag);
      if (known == null) {
        throw in.failure(
            "stats tag: " + tag + " (expected: 0 to " + (StatTag.values().length - 1) + ")");
      }
      values.put(known, in.readLong());
    }
    // A 1.1 file's section ends here: no hinting or reporting.
    boolean hintingOn = false;
    boolean reportingOn = false;
    HintingState hinting = HintingState.INITIAL;
    if (!in.atEnd()) {
      hintingOn = in.readBool();
      reportingOn = in.readBool();
      hinting = in.section("hinting", HintingState::read);
    }
    try {
      return new BalloonState(
          target,
          actual,
          deflateOnOom,
          interval,
          head,
          new GuestStats(values),
          hintingOn,
          reportingOn,
          hinting);
    } catch (IllegalArgumentException e) {
      throw in.failure(e.getMessage());
    }
  }
}
