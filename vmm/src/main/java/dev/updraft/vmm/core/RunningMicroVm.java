package dev.updraft.vmm.core;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmExit;
import dev.updraft.vmm.runtime.VmLogger;
import dev.updraft.vmm.runtime.VmSnapshotException;
import dev.updraft.vmm.snapshot.SnapshotException;
import dev.updraft.vmm.snapshot.VmConfig;
import dev.updraft.vmm.vcpu.VcpuStop;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import dev.updraft.vmm.virtio.balloon.HintingStatus;
import dev.updraft.vmm.virtio.balloon.VirtioBalloon;
import dev.updraft.vmm.virtio.mem.MemoryHotplugStatus;
import dev.updraft.vmm.virtio.mem.VirtioMem;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** A started {@link MicroVm} behind the API's {@link RunningVm} contract. */
final class RunningMicroVm implements RunningVm {
  private final MicroVm vm;
  private final VmLogger log;
  private final CompletionStage<VmExit> exit;

  RunningMicroVm(MicroVm vm, VmLogger log) {
    this.vm = vm;
    this.log = log;
    this.exit = vm.stopped().thenApply(RunningMicroVm::exitOf);
  }

  // Firecracker ends with 0 when the guest rebooted or powered off, 1 (GenericError) on a failure.
  static VmExit exitOf(VcpuStop stop) {
    return switch (stop) {
      case VcpuStop.GuestEnded g -> new VmExit(0, "guest " + g.how());
      case VcpuStop.Requested r -> new VmExit(0, "stopped by the VMM");
      case VcpuStop.Failed f -> new VmExit(1, f.message());
    };
  }

  @Override
  public void pause() {
    try {
      vm.pause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pausing the vCPUs", e);
    }
  }

  @Override
  public void resume() {
    vm.resume();
  }

  @Override
  public void createSnapshot(SnapshotCreate request, VmResources resources) {
    if (!vm.machine().isPaused()) {
      // Firecracker's vCPUs answer SaveState with this when they run.
      throw new VmSnapshotException(
          "Cannot save the microVM state: Operation not allowed: save/restore unavailable while"
              + " running");
    }
    try {
      SnapshotWriter.write(vm, request, VmConfig.of(resources));
    } catch (SnapshotException e) {
      throw new VmSnapshotException(e.getMessage(), e);
    } catch (RuntimeException e) {
      // A KVM call that refused (SysException) or the device thread's time limit.
      throw new VmSnapshotException("Cannot save the microVM state: " + e.getMessage(), e);
    }
  }

  @Override
  public void sendCtrlAltDel() {
    if (!vm.sendCtrlAltDel()) {
      throw new IllegalStateException(
          "the i8042 buffer is full: the guest has not read the previous keys");
    }
  }

  @Override
  public void updateDrive(String driveId, Path newPathOrNull, RateLimiterConfig limiterOrNull) {
    var block =
        vm.drive(driveId)
            .orElseThrow(() -> new IllegalArgumentException("drive_id: " + driveId + " (unknown)"));
    vm.onDeviceThread(
        () -> {
          if (newPathOrNull != null) {
            block.updatePath(newPathOrNull);
          }
          if (limiterOrNull != null) {
            block.updateRateLimiter(RateLimiterUpdate.of(limiterOrNull));
          }
          return null;
        });
    log.info("drive " + driveId + " updated");
  }

  @Override
  public void updateNetworkRateLimiters(
      String ifaceId, RateLimiterConfig rxOrNull, RateLimiterConfig txOrNull) {
    var net =
        vm.network(ifaceId)
            .orElseThrow(() -> new IllegalArgumentException("iface_id: " + ifaceId + " (unknown)"));
    vm.onDeviceThread(
        () -> {
          net.updateRateLimiters(RateLimiterUpdate.of(rxOrNull), RateLimiterUpdate.of(txOrNull));
          return null;
        });
  }

  @Override
  public void updatePmemRateLimiter(String id, RateLimiterConfig limiterOrNull) {
    var pmem =
        vm.pmem(id).orElseThrow(() -> new IllegalArgumentException("id: " + id + " (unknown)"));
    vm.onDeviceThread(
        () -> {
          pmem.updateRateLimiter(RateLimiterUpdate.of(limiterOrNull));
          return null;
        });
  }

  // The balloon's updates take its lock; a target change raises its interrupt from this thread.
  @Override
  public void updateBalloon(long amountMib) {
    balloon().updateSize(amountMib);
    log.info("balloon target set to " + amountMib + " MiB");
  }

  @Override
  public void updateBalloonStatistics(int statsPollingIntervalS) {
    balloon().updateStatsInterval(statsPollingIntervalS);
  }

  @Override
  public BalloonStats balloonStatistics() {
    return balloon().statistics();
  }

  @Override
  public void startBalloonHinting(boolean acknowledgeOnStop) {
    balloon().startHinting(acknowledgeOnStop);
  }

  @Override
  public HintingStatus balloonHintingStatus() {
    return balloon().hintingStatus();
  }

  @Override
  public void stopBalloonHinting() {
    balloon().stopHinting();
  }

  // Like the balloon's: the device's lock, and its configuration interrupt from this thread.
  @Override
  public void updateMemoryHotplugSize(long requestedSizeMib) {
    mem().updateRequestedSize(requestedSizeMib);
    log.info("memory hotplug requested size set to " + requestedSizeMib + " MiB");
  }

  @Override
  public MemoryHotplugStatus memoryHotplugStatus() {
    return mem().status();
  }

  private VirtioMem mem() {
    return vm.mem().orElseThrow(() -> new IllegalStateException("the VM has no virtio-mem"));
  }

  private VirtioBalloon balloon() {
    return vm.balloon().orElseThrow(() -> new IllegalStateException("the VM has no balloon"));
  }

  @Override
  public CompletionStage<VmExit> exit() {
    return exit;
  }

  @Override
  public List<Counters> metrics() {
    return vm.metrics();
  }

  @Override
  public void stop() {
    PhaseLog phases = PhaseLog.start();
    if (vm.close(phases)) {
      log.info("microVM closed: " + phases);
    }
  }
}
