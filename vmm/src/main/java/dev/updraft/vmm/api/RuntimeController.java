package dev.updraft.vmm.api;

import dev.updraft.vmm.api.VmmAction.ConfigureBootSource;
import dev.updraft.vmm.api.VmmAction.ConfigureLogger;
import dev.updraft.vmm.api.VmmAction.ConfigureMetrics;
import dev.updraft.vmm.api.VmmAction.ConfigureSerial;
import dev.updraft.vmm.api.VmmAction.CreateSnapshot;
import dev.updraft.vmm.api.VmmAction.FlushMetrics;
import dev.updraft.vmm.api.VmmAction.GetBalloonConfig;
import dev.updraft.vmm.api.VmmAction.GetBalloonStats;
import dev.updraft.vmm.api.VmmAction.GetFreePageHintingStatus;
import dev.updraft.vmm.api.VmmAction.GetMemoryHotplugStatus;
import dev.updraft.vmm.api.VmmAction.GetMmds;
import dev.updraft.vmm.api.VmmAction.InsertBlockDevice;
import dev.updraft.vmm.api.VmmAction.InsertNetworkDevice;
import dev.updraft.vmm.api.VmmAction.LoadSnapshot;
import dev.updraft.vmm.api.VmmAction.PatchMmds;
import dev.updraft.vmm.api.VmmAction.Pause;
import dev.updraft.vmm.api.VmmAction.PutMmds;
import dev.updraft.vmm.api.VmmAction.Resume;
import dev.updraft.vmm.api.VmmAction.SendCtrlAltDel;
import dev.updraft.vmm.api.VmmAction.SetBalloonDevice;
import dev.updraft.vmm.api.VmmAction.SetEntropyDevice;
import dev.updraft.vmm.api.VmmAction.SetMemoryHotplugDevice;
import dev.updraft.vmm.api.VmmAction.SetMmdsConfiguration;
import dev.updraft.vmm.api.VmmAction.SetVsockDevice;
import dev.updraft.vmm.api.VmmAction.StartFreePageHinting;
import dev.updraft.vmm.api.VmmAction.StartMicroVm;
import dev.updraft.vmm.api.VmmAction.StopFreePageHinting;
import dev.updraft.vmm.api.VmmAction.UpdateBalloon;
import dev.updraft.vmm.api.VmmAction.UpdateBalloonStatistics;
import dev.updraft.vmm.api.VmmAction.UpdateBlockDevice;
import dev.updraft.vmm.api.VmmAction.UpdateMachineConfiguration;
import dev.updraft.vmm.api.VmmAction.UpdateMemoryHotplugSize;
import dev.updraft.vmm.api.VmmAction.UpdateNetworkInterface;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.DriveUpdate;
import dev.updraft.vmm.config.NetworkInterfaceUpdate;
import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.SnapshotType;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.mmds.MmdsException;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmSnapshotException;
import dev.updraft.vmm.virtio.balloon.BalloonException;
import dev.updraft.vmm.virtio.mem.VirtioMemException;
import java.nio.file.Files;
import java.util.function.Supplier;

/**
 * Requests after {@code InstanceStart} (Firecracker's {@code RuntimeApiController}): pause and
 * resume, Ctrl-Alt-Del, metrics flushes, and the drive and network updates Firecracker allows at
 * run time. Configuration changes are refused. The VM is changed first and the recorded
 * configuration after, so {@code GET /vm/config} never shows what the VM did not accept.
 */
final class RuntimeController {
  private final Vmm vmm;

  RuntimeController(Vmm vmm) {
    this.vmm = vmm;
  }

  VmmData handle(VmmAction action) {
    RunningVm vm = vmm.vm();
    switch (action) {
      case Pause a -> {
        long started = System.nanoTime();
        vm.pause();
        vmm.state(VmState.PAUSED);
        vmm.metrics().recordLatency("pause_vm", micros(started));
      }
      case Resume a -> {
        long started = System.nanoTime();
        vm.resume();
        vmm.state(VmState.RUNNING);
        vmm.metrics().recordLatency("resume_vm", micros(started));
      }
      case CreateSnapshot a -> createSnapshot(vm, a.request());
      case SendCtrlAltDel a -> vm.sendCtrlAltDel();
      case FlushMetrics a -> vmm.flushMetrics();
      case UpdateBlockDevice a -> updateDrive(vm, a.update());
      case UpdateNetworkInterface a -> updateNetwork(vm, a.update());
      case VmmAction.UpdatePmemDevice a -> {
        VmResources updated = vmm.resources().withPmemUpdate(a.update());
        vm.updatePmemRateLimiter(a.update().id(), a.update().rateLimiter());
        vmm.resources(updated);
      }
      case UpdateBalloon a -> {
        BalloonConfig balloon = balloon("Balloon update error: ");
        balloonCall(
            "Balloon update error: ",
            () -> {
              vm.updateBalloon(a.amountMib());
              return null;
            });
        vmm.resources(vmm.resources().withBalloon(balloon.withAmountMib(a.amountMib())));
      }
      case UpdateBalloonStatistics a -> {
        BalloonConfig balloon = balloon("Balloon update error: ");
        balloonCall(
            "Balloon update error: ",
            () -> {
              vm.updateBalloonStatistics(a.statsPollingIntervalS());
              return null;
            });
        vmm.resources(
            vmm.resources()
                .withBalloon(balloon.withStatsPollingIntervalS(a.statsPollingIntervalS())));
      }
      case GetBalloonConfig a -> {
        return new VmmData.BalloonConfiguration(balloon("Internal VMM error: "));
      }
      case GetBalloonStats a -> {
        balloon("Internal VMM error: ");
        return new VmmData.BalloonStatistics(
            balloonCall("Internal VMM error: ", vm::balloonStatistics));
      }
      case StartFreePageHinting a -> {
        balloon("Balloon update error: ");
        balloonCall(
            "Balloon update error: ",
            () -> {
              vm.startBalloonHinting(a.acknowledgeOnStop());
              return null;
            });
      }
      case GetFreePageHintingStatus a -> {
        balloon("Balloon update error: ");
        return new VmmData.BalloonHintingStatus(
            balloonCall("Balloon update error: ", vm::balloonHintingStatus));
      }
      case StopFreePageHinting a -> {
        balloon("Balloon update error: ");
        balloonCall(
            "Balloon update error: ",
            () -> {
              vm.stopBalloonHinting();
              return null;
            });
      }
      case UpdateMemoryHotplugSize a -> {
        memoryHotplug("Memory hotplug update error: ");
        try {
          vm.updateMemoryHotplugSize(a.requestedSizeMib());
        } catch (VirtioMemException e) {
          throw new ApiException("Memory hotplug update error: " + e.getMessage());
        }
      }
      case GetMemoryHotplugStatus a -> {
        memoryHotplug("Internal VMM error: ");
        return new VmmData.MemoryHotplugStatus(vm.memoryHotplugStatus());
      }
      case PutMmds a -> mmds().put(a.document());
      case PatchMmds a -> mmds().patch(a.patch());
      case GetMmds a -> {
        return new VmmData.MmdsValue(mmds().data());
      }
      case VmmAction.Query query -> {
        return vmm.query(query);
      }
      case ConfigureBootSource _,
          ConfigureLogger _,
          ConfigureMetrics _,
          ConfigureSerial _,
          SetEntropyDevice _,
          SetVsockDevice _,
          SetMmdsConfiguration _,
          SetBalloonDevice _,
          SetMemoryHotplugDevice _,
          VmmAction.PutCpuConfiguration _,
          InsertBlockDevice _,
          InsertNetworkDevice _,
          VmmAction.InsertPmemDevice _,
          UpdateMachineConfiguration _,
          LoadSnapshot _,
          StartMicroVm _ ->
          throw ApiException.notSupportedPostBoot();
    }
    return VmmData.EMPTY;
  }

  /** The balloon's configuration; Firecracker's words when the VM has none. */
  private BalloonConfig balloon(String errorPrefix) {
    BalloonConfig balloon = vmm.resources().balloon();
    if (balloon == null) {
      throw new ApiException(errorPrefix + "Failed perform action on device: Device not found");
    }
    return balloon;
  }

  /** Firecracker's words when the VM has no virtio-mem device. */
  private void memoryHotplug(String errorPrefix) {
    if (vmm.resources().memoryHotplug() == null) {
      throw new ApiException(errorPrefix + "Failed perform action on device: Device not found");
    }
  }

  /** Runs a balloon call; the device's refusal in Firecracker's words ("...: Balloon: ..."). */
  private static <T> T balloonCall(String errorPrefix, Supplier<T> call) {
    try {
      return call.get();
    } catch (BalloonException e) {
      throw new ApiException(errorPrefix + "Balloon: " + e.getMessage());
    }
  }

  /** After boot there is a store only if something made one before boot, as in Firecracker. */
  private Mmds mmds() {
    Mmds mmds = vmm.resources().mmds();
    if (mmds == null) {
      throw new MmdsException(
          MmdsException.Kind.NOT_INITIALIZED, "The MMDS data store is not initialized.");
    }
    return mmds;
  }

  private void createSnapshot(RunningVm vm, SnapshotCreate request) {
    long started = System.nanoTime();
    try {
      vm.createSnapshot(request, vmm.resources());
    } catch (VmSnapshotException e) {
      throw new ApiException("Create snapshot error: " + e.getMessage());
    }
    long micros = micros(started);
    boolean full = request.type() == SnapshotType.FULL;
    vmm.metrics().recordLatency(full ? "full_create_snapshot" : "diff_create_snapshot", micros);
    vmm.logger()
        .info(
            "'create "
                + (full ? "full" : "diff")
                + " snapshot' VMM action took "
                + micros
                + " us.");
  }

  private void updateDrive(RunningVm vm, DriveUpdate update) {
    // Validates the id (and the new path) before the VM is touched.
    VmResources updated = vmm.resources().withDriveUpdate(update);
    if (update.pathOnHost() != null
        && (!Files.exists(update.pathOnHost()) || Files.isDirectory(update.pathOnHost()))) {
      throw ConfigException.of(
          "path_on_host", update.pathOnHost(), "an existing file or block device");
    }
    vm.updateDrive(update.driveId(), update.pathOnHost(), update.rateLimiter());
    vmm.resources(updated);
  }

  private void updateNetwork(RunningVm vm, NetworkInterfaceUpdate update) {
    VmResources updated = vmm.resources().withNetworkInterfaceUpdate(update);
    vm.updateNetworkRateLimiters(update.ifaceId(), update.rxRateLimiter(), update.txRateLimiter());
    vmm.resources(updated);
  }

  private static long micros(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000;
  }
}
