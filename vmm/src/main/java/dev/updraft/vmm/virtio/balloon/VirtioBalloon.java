package dev.updraft.vmm.virtio.balloon;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * virtio-balloon (device id 5) with Firecracker's contract. The host sets a target ({@code
 * num_pages}); the driver gives that many 4 KiB pages back by posting their frame numbers on the
 * inflate queue, and the device releases them to the host ({@link
 * dev.updraft.vmm.memory.GuestMemory#discard}). Deflating needs nothing from the device: the guest
 * just touches the pages again. With statistics on, the device holds the driver's stats buffer and
 * hands it back every interval, which makes the driver send fresh numbers. With free page hinting
 * the host asks for the guest's free pages in runs ({@link HintingState}); with free page reporting
 * the guest reports free pages by itself. Either way the device discards them and returns the
 * buffers.
 *
 * <p>Queues are numbered as the Linux driver packs those it sets up: inflate, deflate, then stats,
 * free page and reporting, each only if its feature is offered (Firecracker numbers them so too).
 */
public final class VirtioBalloon extends VirtioDevice implements Persistent<BalloonState> {
  public static final long F_STATS_VQ = VirtioFeatures.bit(1);
  public static final long F_DEFLATE_ON_OOM = VirtioFeatures.bit(2);
  public static final long F_FREE_PAGE_HINT = VirtioFeatures.bit(3);
  public static final long F_PAGE_REPORTING = VirtioFeatures.bit(5);
  public static final int PAGES_PER_MIB = 256;

  static final int INFLATE = 0;
  static final int DEFLATE = 1;
  static final int STATS = 2;
  // num_pages, actual, free_page_hint_cmd_id. poison_val (offset 12) exists only with PAGE_POISON,
  // which is not offered (nor by Firecracker): the guest never poisons the pages it hints.
  static final int CONFIG_BYTES = 12;
  static final int PAGE_SHIFT = 12;
  // Firecracker's caps: what one inflate descriptor and one stats buffer may hold.
  static final int MAX_PFNS_PER_DESCRIPTOR = 256;
  static final int MAX_STATS_BYTES = 256 * StatsFrame.ENTRY_BYTES;

  private static final String[] COUNTERS = {
    "inflate_count",
    "stats_updates_count",
    "stats_update_fails",
    "deflate_count",
    "free_page_report_count",
    "free_page_report_freed",
    "free_page_report_fails",
    "free_page_hint_count",
    "free_page_hint_freed",
    "free_page_hint_fails"
  };

  /** What each queue is for, by index; see the class comment for the numbering. */
  private enum Role {
    INFLATE,
    DEFLATE,
    STATS,
    FREE_PAGE,
    REPORTING
  }

  private final Timers timers;
  private final boolean deflateOnOom;
  private final boolean freePageHinting;
  private final boolean freePageReporting;
  private final Role[] roles;
  private int statsIntervalS;
  private long targetPages;
  private long actualPages;
  private int statsHead = -1;
  private GuestStats stats = GuestStats.NONE;
  // Its host command is the configuration space's free_page_hint_cmd_id.
  private HintingState hinting = HintingState.INITIAL;
  // Bumped to cancel the armed stats timer (a reset, a new interval).
  private long timerGeneration;
  // Set while the free page queue is served: the driver's last command ended its run.
  private boolean hintingEnded;
  // A restored device owes the driver a configuration interrupt for the DONE it put in place.
  private boolean announceHintCmd;

  /** A balloon without free page hinting or reporting. */
  public VirtioBalloon(
      long amountMib, boolean deflateOnOom, int statsIntervalS, Timers timers, Counters counters) {
    this(amountMib, deflateOnOom, statsIntervalS, false, false, timers, counters);
  }

  /**
   * @param amountMib the initial target, checked by the API against the memory size
   * @param statsIntervalS seconds between statistics requests; 0 leaves out the stats queue
   * @param freePageHinting offer FREE_PAGE_HINT and its queue
   * @param freePageReporting offer PAGE_REPORTING and its queue
   */
  public VirtioBalloon(
      long amountMib,
      boolean deflateOnOom,
      int statsIntervalS,
      boolean freePageHinting,
      boolean freePageReporting,
      Timers timers,
      Counters counters) {
    super(
        DeviceType.BALLOON,
        roles(statsIntervalS, freePageHinting, freePageReporting).length,
        (statsIntervalS > 0 ? F_STATS_VQ : 0)
            | (deflateOnOom ? F_DEFLATE_ON_OOM : 0)
            | (freePageHinting ? F_FREE_PAGE_HINT : 0)
            | (freePageReporting ? F_PAGE_REPORTING : 0),
        counters,
        "event_fails",
        COUNTERS);
    if (amountMib < 0 || amountMib > 0xFFFF_FFFFL / PAGES_PER_MIB) {
      throw new IllegalArgumentException(
          "amount_mib: " + amountMib + " (expected: 0 to " + 0xFFFF_FFFFL / PAGES_PER_MIB + ")");
    }
    if (statsIntervalS < 0 || statsIntervalS > 0xFFFF) {
      throw new IllegalArgumentException(
          "stats_polling_interval_s: " + statsIntervalS + " (expected: 0 to 65535)");
    }
    this.timers = java.util.Objects.requireNonNull(timers, "timers");
    this.deflateOnOom = deflateOnOom;
    this.freePageHinting = freePageHinting;
    this.freePageReporting = freePageReporting;
    this.roles = roles(statsIntervalS, freePageHinting, freePageReporting);
    this.statsIntervalS = statsIntervalS;
    this.targetPages = amountMib * PAGES_PER_MIB;
  }

  private static Role[] roles(int statsIntervalS, boolean hinting, boolean reporting) {
    List<Role> roles = new ArrayList<>(List.of(Role.INFLATE, Role.DEFLATE));
    if (statsIntervalS > 0) {
      roles.add(Role.STATS);
    }
    if (hinting) {
      roles.add(Role.FREE_PAGE);
    }
    if (reporting) {
      roles.add(Role.REPORTING);
    }
    return roles.toArray(Role[]::new);
  }

  public boolean deflateOnOom() {
    return deflateOnOom;
  }

  public boolean freePageHinting() {
    return freePageHinting;
  }

  public boolean freePageReporting() {
    return freePageReporting;
  }

  public int statsIntervalS() {
    return withLock(() -> statsIntervalS);
  }

  /** The target in MiB, as {@code GET /balloon} reports it. */
  public long amountMib() {
    return withLock(() -> targetPages / PAGES_PER_MIB);
  }

  /**
   * {@code PATCH /balloon}: a new target, which the driver hears about through a configuration
   * change interrupt.
   *
   * @throws BalloonException before the driver started the device, or for more than the guest has
   */
  public void updateSize(long amountMib) {
    locked(
        () -> {
          if (!isActive()) {
            throw BalloonException.notActive();
          }
          long memoryMib = memory().regions().stream().mapToLong(MemoryRegion::size).sum() >> 20;
          if (amountMib < 0 || amountMib > memoryMib) {
            throw BalloonException.tooMuchMemory(amountMib);
          }
          targetPages = amountMib * PAGES_PER_MIB;
          configChanged();
        });
  }

  /**
   * {@code PATCH /balloon/statistics}: a new polling interval, with a first request now.
   *
   * @throws BalloonException to switch statistics on or off (the stats queue exists or not)
   */
  public void updateStatsInterval(int intervalS) {
    locked(
        () -> {
          if (intervalS == statsIntervalS) {
            return;
          }
          if (statsIntervalS == 0 || intervalS == 0) {
            throw BalloonException.statisticsStateChange();
          }
          statsIntervalS = intervalS;
          if (isActive()) {
            requestStats();
            armStatsTimer();
          }
        });
  }

  /**
   * {@code PATCH /balloon/hinting/start}: a new hinting run, whose id the driver hears about
   * through a configuration change interrupt.
   *
   * @param acknowledgeOnStop answer the driver's STOP with DONE (ending the run) without waiting
   *     for {@link #stopHinting}
   * @throws BalloonException without hinting, or before the driver started the device
   */
  public void startHinting(boolean acknowledgeOnStop) {
    locked(
        () -> {
          requireHinting();
          if (!isActive()) {
            throw BalloonException.notActive();
          }
          hinting = hinting.start(acknowledgeOnStop);
          setHintCmd(hinting.hostCmd());
        });
  }

  /**
   * {@code PATCH /balloon/hinting/stop}: ends the run with DONE, which lets the driver use the
   * hinted pages again.
   *
   * @throws BalloonException without hinting, or before the driver started the device
   */
  public void stopHinting() {
    locked(
        () -> {
          requireHinting();
          if (!isActive()) {
            throw BalloonException.notActive();
          }
          setHintCmd(HintingState.DONE);
        });
  }

  /**
   * {@code GET /balloon/hinting/status}.
   *
   * @throws BalloonException without hinting
   */
  public HintingStatus hintingStatus() {
    return withLock(
        () -> {
          requireHinting();
          return hinting.status();
        });
  }

  private void requireHinting() {
    if (!freePageHinting) {
      throw BalloonException.hintingNotEnabled();
    }
  }

  /** The host's command: into the configuration space, and the driver is told. */
  private void setHintCmd(long cmd) {
    hinting = hinting.withHostCmd(cmd);
    configChanged();
  }

  /**
   * {@code GET /balloon/statistics}.
   *
   * @throws BalloonException if statistics are off
   */
  public BalloonStats statistics() {
    return withLock(
        () -> {
          if (statsIntervalS == 0) {
            throw BalloonException.statisticsDisabled();
          }
          return new BalloonStats(targetPages, actualPages, stats);
        });
  }

  @Override
  public BalloonState save() {
    return withLock(
        () ->
            new BalloonState(
                targetPages,
                actualPages,
                deflateOnOom,
                statsIntervalS,
                statsHead,
                stats,
                freePageHinting,
                freePageReporting,
                hinting));
  }

  @Override
  public void restore(BalloonState state) {
    locked(
        () -> {
          targetPages = state.targetPages();
          actualPages = state.actualPages();
          statsHead = state.statsHead();
          stats = state.stats();
          // Firecracker's restore of an active device: DONE whatever the run was, so a driver that
          // was hinting takes its pages back; it hears of it once the device runs again (see
          // onQueueNotify). The transport was restored first, so isActive() is the saved one's.
          boolean owed = freePageHinting && isActive();
          hinting = owed ? state.hinting().withHostCmd(HintingState.DONE) : state.hinting();
          announceHintCmd = owed;
        });
  }

  @Override
  protected byte[] configSpace() {
    ByteBuffer config = ByteBuffer.allocate(CONFIG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    config.putInt((int) targetPages).putInt((int) actualPages).putInt((int) hinting.hostCmd());
    return config.array();
  }

  /** The driver writes {@code actual} only; {@code num_pages} is the host's. */
  @Override
  protected boolean writeConfig(int offset, byte[] data) {
    if (offset < 4 || offset + data.length > 8) {
      return false;
    }
    byte[] actual =
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) actualPages).array();
    System.arraycopy(data, 0, actual, offset - 4, data.length);
    actualPages =
        Integer.toUnsignedLong(ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN).getInt());
    return true;
  }

  @Override
  protected void onActivate() {
    if (statsIntervalS > 0) {
      armStatsTimer();
    }
  }

  @Override
  protected void onReset() {
    actualPages = 0;
    statsHead = -1;
    timerGeneration++;
    // Firecracker forgets the hinting run on a reset too.
    hinting = HintingState.INITIAL;
  }

  @Override
  protected void onQueueNotify(int index) {
    if (announceHintCmd) {
      // The first call after a restore comes from resumeAfterRestore, on the device thread.
      announceHintCmd = false;
      configChanged();
    }
    VirtQueue queue = queue(index);
    switch (roles[index]) {
      case INFLATE -> {
        counters().increment("inflate_count");
        drain(queue, this::inflate);
      }
      case DEFLATE -> {
        counters().increment("deflate_count");
        drain(queue, VirtioBalloon::giveBack);
      }
      case STATS -> {
        counters().increment("stats_updates_count");
        drain(queue, this::takeStats);
      }
      case FREE_PAGE -> {
        hintingEnded = false;
        drain(queue, this::takeHints);
        if (hintingEnded && hinting.acknowledgeOnStop()) {
          setHintCmd(HintingState.DONE);
        }
      }
      case REPORTING -> drain(queue, this::takeReport);
    }
  }

  /**
   * One chain on the free page queue: a 4-byte buffer is a command id from the driver (the run it
   * answers, or STOP when it has no more); any other buffer is a range of free pages, discarded if
   * it belongs to the run going on and left alone otherwise. As Firecracker, the buffers' direction
   * is not checked: Linux posts the id readable and the pages writable.
   */
  private boolean takeHints(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (entry instanceof DescriptorChain chain) {
      for (Descriptor d : chain.descriptors()) {
        if (d.length() == 4) {
          long cmd = Integer.toUnsignedLong(memory().readInt(d.address()));
          hinting = hinting.withGuestCmd(cmd);
          // DONE is the host's to send; Firecracker takes it from a driver as the end too.
          hintingEnded = cmd == HintingState.STOP || cmd == HintingState.DONE;
        } else if (hinting.accepts()) {
          discard(d, "free_page_hint_count", "free_page_hint_freed", "free_page_hint_fails");
        }
      }
    }
    queue.addUsed(entry.head(), 0);
    return true;
  }

  /** One chain on the reporting queue: every buffer is free pages, discarded, then returned. */
  private boolean takeReport(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (entry instanceof DescriptorChain chain) {
      for (Descriptor d : chain.descriptors()) {
        discard(d, "free_page_report_count", "free_page_report_freed", "free_page_report_fails");
      }
    }
    queue.addUsed(entry.head(), 0);
    return true;
  }

  /**
   * Discards a buffer of free pages: counted in {@code count}, its bytes in {@code freed}, or in
   * {@code fails} if it is not whole pages inside guest RAM (the guest chooses, so not logged).
   */
  private void discard(Descriptor d, String count, String freed, String fails) {
    counters().increment(count);
    long pageMask = (1L << PAGE_SHIFT) - 1;
    if ((d.address() & pageMask) != 0
        || (d.length() & pageMask) != 0
        || d.length() == 0
        || !memory().contains(d.address(), d.length())) {
      counters().increment(fails);
      return;
    }
    memory().discard(d.address(), d.length());
    counters().add(freed, d.length());
  }

  /** Releases the pages one inflate chain lists, then returns it. */
  private boolean inflate(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (entry instanceof DescriptorChain chain) {
      for (Descriptor d : chain.descriptors()) {
        if (d.writable() || d.length() % 4 != 0) {
          continue; // Firecracker skips such buffers too
        }
        if (d.length() / 4 > MAX_PFNS_PER_DESCRIPTOR) {
          continue; // Firecracker's bound; not logged, a guest could flood the log with them
        }
        int[] pfns = new int[d.length() / 4];
        for (int i = 0; i < pfns.length; i++) {
          pfns[i] = memory().readInt(d.address() + 4L * i);
        }
        release(pfns);
      }
    }
    queue.addUsed(entry.head(), 0);
    return true;
  }

  /** Discards the pages in runs of consecutive frames: one madvise per run, not per page. */
  private void release(int[] pfns) {
    long[] frames = Arrays.stream(pfns).mapToLong(Integer::toUnsignedLong).sorted().toArray();
    int start = 0;
    for (int i = 1; i <= frames.length; i++) {
      if (i < frames.length && frames[i] <= frames[i - 1] + 1) {
        continue;
      }
      long address = frames[start] << PAGE_SHIFT;
      long length = (frames[i - 1] - frames[start] + 1) << PAGE_SHIFT;
      if (memory().contains(address, length)) {
        memory().discard(address, length);
      } else {
        counters().increment("event_fails"); // counted, not logged: the guest chooses how often
      }
      start = i;
    }
  }

  private static boolean giveBack(VirtQueue queue) {
    queue.addUsed(queue.pop().head(), 0);
    return true;
  }

  /** Reads the statistics in a stats buffer and holds it until the next poll. */
  private boolean takeStats(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (statsHead >= 0) {
      // A driver that posts a second buffer gets the first back (Firecracker does the same).
      queue.addUsed(statsHead, 0);
      signalUsed(queue);
    }
    statsHead = entry.head();
    if (!(entry instanceof DescriptorChain chain) || !chain.allReadable()) {
      counters().increment("stats_update_fails");
      return true;
    }
    long length = chain.totalLength();
    if (length > MAX_STATS_BYTES) {
      counters().increment("stats_update_fails");
      return true;
    }
    byte[] frame = new byte[(int) length];
    int at = 0;
    for (Descriptor d : chain.descriptors()) {
      memory().read(d.address(), frame, at, d.length());
      at += d.length();
    }
    StatsFrame parsed = StatsFrame.parse(frame);
    counters().add("stats_update_fails", parsed.skipped());
    stats = stats.with(parsed.values());
    return true;
  }

  /** Hands the held stats buffer back, which asks the driver for new statistics. */
  private void requestStats() {
    if (statsHead < 0) {
      return; // the driver has not posted one yet, or still holds it
    }
    VirtQueue queue = queue(STATS);
    queue.addUsed(statsHead, 0);
    statsHead = -1;
    signalUsed(queue);
  }

  private void armStatsTimer() {
    long generation = ++timerGeneration;
    timers.schedule(
        Duration.ofSeconds(statsIntervalS),
        () ->
            runGuarded(
                () -> {
                  if (generation == timerGeneration) {
                    requestStats();
                    armStatsTimer();
                  }
                }));
  }
}
