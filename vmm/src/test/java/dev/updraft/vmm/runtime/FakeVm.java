package dev.updraft.vmm.runtime;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.balloon.BalloonException;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import dev.updraft.vmm.virtio.balloon.GuestStats;
import dev.updraft.vmm.virtio.balloon.HintingState;
import dev.updraft.vmm.virtio.balloon.HintingStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RunningVm} for tests: records every call as a line such as {@code "pause"} or {@code
 * "updateDrive rootfs /new null"}, reports one counter group per drive and network interface plus
 * {@code uart}, and ends when a test calls {@link #end} or something calls {@link #stop}.
 */
public final class FakeVm implements RunningVm {
  private final VmResources resources;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<Counters> groups = new ArrayList<>();
  private final CompletableFuture<VmExit> exit = new CompletableFuture<>();
  private volatile RuntimeException nextFailure;
  private volatile HintingState hinting = HintingState.INITIAL;

  FakeVm(VmResources resources) {
    this.resources = resources;
    resources.drives().forEach(d -> groups.add(group("block_" + d.driveId(), "read_count")));
    resources.networkInterfaces().forEach(n -> groups.add(group("net_" + n.ifaceId(), "rx_count")));
    groups.add(group("uart", "write_count"));
  }

  private static Counters group(String name, String counter) {
    Counters counters = new Counters(name);
    counters.counter(counter);
    return counters;
  }

  public VmResources resources() {
    return resources;
  }

  /** The calls so far, in order. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Makes the next control call (pause, resume, update...) throw {@code failure}. */
  public void failNext(RuntimeException failure) {
    nextFailure = failure;
  }

  /** Ends the guest as a reset or crash would. */
  public void end(int exitCode, String reason) {
    exit.complete(new VmExit(exitCode, reason));
  }

  /** The counter group called {@code name}, e.g. {@code block_rootfs}. */
  public Counters group(String name) {
    return groups.stream().filter(g -> g.group().equals(name)).findFirst().orElseThrow();
  }

  @Override
  public void pause() {
    record("pause");
  }

  @Override
  public void resume() {
    record("resume");
  }

  @Override
  public void createSnapshot(SnapshotCreate request, VmResources current) {
    record(
        "createSnapshot "
            + request.type().wireName()
            + " "
            + request.snapshotPath()
            + " "
            + request.memFilePath());
  }

  @Override
  public void sendCtrlAltDel() {
    record("sendCtrlAltDel");
  }

  @Override
  public void updateDrive(String driveId, Path newPathOrNull, RateLimiterConfig limiterOrNull) {
    record("updateDrive " + driveId + " " + newPathOrNull + " " + limiterOrNull);
  }

  @Override
  public void updateNetworkRateLimiters(
      String ifaceId, RateLimiterConfig rxOrNull, RateLimiterConfig txOrNull) {
    record("updateNetworkRateLimiters " + ifaceId + " " + rxOrNull + " " + txOrNull);
  }

  @Override
  public void updatePmemRateLimiter(String id, RateLimiterConfig limiterOrNull) {
    record("updatePmemRateLimiter " + id + " " + limiterOrNull);
  }

  @Override
  public void updateMemoryHotplugSize(long requestedSizeMib) {
    var config = resources.memoryHotplug();
    if (requestedSizeMib % config.blockSizeMib() != 0 || requestedSizeMib > config.totalSizeMib()) {
      throw new dev.updraft.vmm.virtio.mem.VirtioMemException(
          "requested_size_mib: " + requestedSizeMib + " (expected: whole blocks)");
    }
    record("updateMemoryHotplugSize " + requestedSizeMib);
    requestedMib = requestedSizeMib;
  }

  private long requestedMib;

  @Override
  public dev.updraft.vmm.virtio.mem.MemoryHotplugStatus memoryHotplugStatus() {
    var config = resources.memoryHotplug();
    return new dev.updraft.vmm.virtio.mem.MemoryHotplugStatus(
        config.blockSizeMib(),
        config.totalSizeMib(),
        config.slotSizeMib(),
        requestedMib,
        requestedMib);
  }

  @Override
  public void updateBalloon(long amountMib) {
    record("updateBalloon " + amountMib);
  }

  /** Refuses to switch statistics on or off, as the device does. */
  @Override
  public void updateBalloonStatistics(int statsPollingIntervalS) {
    int current = resources.balloon().statsPollingIntervalS();
    if ((current == 0) != (statsPollingIntervalS == 0)) {
      throw BalloonException.statisticsStateChange();
    }
    record("updateBalloonStatistics " + statsPollingIntervalS);
  }

  /** The configured target, nothing inflated yet, and no guest statistics. */
  @Override
  public BalloonStats balloonStatistics() {
    if (resources.balloon().statsPollingIntervalS() == 0) {
      throw BalloonException.statisticsDisabled();
    }
    record("balloonStatistics");
    return new BalloonStats(resources.balloon().amountMib() * 256, 0, GuestStats.NONE);
  }

  /** A hinting run as the device keeps it (a driver that never answers), refused without. */
  @Override
  public void startBalloonHinting(boolean acknowledgeOnStop) {
    requireHinting();
    hinting = hinting.start(acknowledgeOnStop);
    record("startBalloonHinting " + acknowledgeOnStop);
  }

  @Override
  public HintingStatus balloonHintingStatus() {
    requireHinting();
    record("balloonHintingStatus");
    return hinting.status();
  }

  @Override
  public void stopBalloonHinting() {
    requireHinting();
    hinting = hinting.withHostCmd(HintingState.DONE);
    record("stopBalloonHinting");
  }

  private void requireHinting() {
    if (!resources.balloon().freePageHinting()) {
      throw BalloonException.hintingNotEnabled();
    }
  }

  @Override
  public CompletionStage<VmExit> exit() {
    return exit;
  }

  @Override
  public List<Counters> metrics() {
    return groups;
  }

  @Override
  public void stop() {
    calls.add("stop");
    exit.complete(new VmExit(0, "stopped"));
  }

  private void record(String call) {
    RuntimeException failure = nextFailure;
    if (failure != null) {
      nextFailure = null;
      throw failure;
    }
    calls.add(call);
  }
}
