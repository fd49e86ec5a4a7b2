package dev.updraft.vmm.runtime;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import dev.updraft.vmm.virtio.balloon.HintingStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A microVM that {@link Hypervisor#start} built and started. The API layer calls these methods one
 * at a time from its request thread, plus {@link #metrics()} from the same thread for periodic
 * metrics; {@link #stop()} may also come from a JVM shutdown hook. A method that fails throws an
 * unchecked exception whose message the API returns as the fault message; it must leave the VM
 * usable or end it (and then complete {@link #exit()}).
 */
public interface RunningVm {
  /** {@code PATCH /vm Paused}: returns once every vCPU is out of KVM_RUN and devices are idle. */
  void pause();

  /** {@code PATCH /vm Resumed}: lets the vCPUs run again; a no-op when already running. */
  void resume();

  /**
   * {@code PUT /snapshot/create}: writes the state file and the memory file (all of it, or the
   * pages written since the last snapshot). The VM must be paused and stays so.
   *
   * @param request the paths and the type
   * @param resources the configuration the API holds now, which the state file keeps
   * @throws VmSnapshotException if the VM runs or a file cannot be written
   */
  void createSnapshot(SnapshotCreate request, VmResources resources);

  /** {@code SendCtrlAltDel}: injects the key sequence through the i8042 controller. */
  void sendCtrlAltDel();

  /**
   * {@code PATCH /drives/{id}}: swaps the drive's backing file and/or its rate limiter. A null
   * argument leaves that part unchanged. The drive exists (the API checked its id).
   *
   * @param driveId the {@code drive_id} of a configured drive
   * @param newPathOrNull a file that existed when the request was made, or null
   * @param limiterOrNull the new rate limiter, or null
   */
  void updateDrive(String driveId, Path newPathOrNull, RateLimiterConfig limiterOrNull);

  /**
   * {@code PATCH /network-interfaces/{id}}: replaces the receive and/or transmit rate limiter. A
   * null argument leaves that direction unchanged. The interface exists (the API checked its id).
   */
  void updateNetworkRateLimiters(
      String ifaceId, RateLimiterConfig rxOrNull, RateLimiterConfig txOrNull);

  /**
   * {@code PATCH /pmem/{id}}: replaces the rate limiter's buckets the update names (null: none).
   * The device exists (the API checked its id).
   */
  void updatePmemRateLimiter(String id, RateLimiterConfig limiterOrNull);

  /**
   * {@code PATCH /balloon}: a new target for the balloon. The VM has one (the API checked).
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException if the device refuses it: its driver
   *     has not started it, or the target is more than the guest's memory
   */
  void updateBalloon(long amountMib);

  /**
   * {@code PATCH /balloon/statistics}: a new polling interval. The VM has a balloon.
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException to switch statistics on or off
   */
  void updateBalloonStatistics(int statsPollingIntervalS);

  /**
   * {@code GET /balloon/statistics}. The VM has a balloon.
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException if its statistics are off
   */
  BalloonStats balloonStatistics();

  /**
   * {@code PATCH /balloon/hinting/start}: a free page hinting run. The VM has a balloon.
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException without hinting, or before the driver
   *     started the device
   */
  void startBalloonHinting(boolean acknowledgeOnStop);

  /**
   * {@code GET /balloon/hinting/status}. The VM has a balloon.
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException without hinting
   */
  HintingStatus balloonHintingStatus();

  /**
   * {@code PATCH /balloon/hinting/stop}: ends the run. The VM has a balloon.
   *
   * @throws dev.updraft.vmm.virtio.balloon.BalloonException without hinting, or before the driver
   *     started the device
   */
  void stopBalloonHinting();

  /**
   * {@code PATCH /hotplug/memory}: asks the guest's virtio-mem driver to have {@code
   * requestedSizeMib} plugged. The VM has the device (the API checked).
   *
   * @throws dev.updraft.vmm.virtio.mem.VirtioMemException if the device refuses the size or its
   *     driver has not started it
   */
  default void updateMemoryHotplugSize(long requestedSizeMib) {
    throw new UnsupportedOperationException("memory hot-plug");
  }

  /** {@code GET /hotplug/memory}. The VM has a virtio-mem device (the API checked). */
  default dev.updraft.vmm.virtio.mem.MemoryHotplugStatus memoryHotplugStatus() {
    throw new UnsupportedOperationException("memory hot-plug");
  }

  /**
   * Completes once, when the guest has ended (reset through the i8042, triple fault, crash, or
   * {@link #stop()}); the process then exits with {@link VmExit#exitCode()}. Completing it
   * exceptionally means the VMM failed; the process exits with code 1.
   */
  CompletionStage<VmExit> exit();

  /**
   * The device counter groups for the metrics line: {@code block_<drive_id>}, {@code
   * net_<iface_id>}, {@code uart}, {@code i8042}, {@code entropy}, {@code vcpu} and so on, in
   * Firecracker's names. The metrics writer drains them on every flush, so the same {@link
   * Counters} objects should be returned each time.
   */
  List<Counters> metrics();

  /**
   * Ends the VM (process shutdown): stops the vCPUs and devices, then completes {@link #exit()}.
   * Idempotent, and called again after the guest has ended on its own; may come from a JVM shutdown
   * hook (SIGTERM) while the API thread is in another call.
   */
  void stop();
}
