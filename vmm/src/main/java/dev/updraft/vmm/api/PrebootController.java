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
import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.runtime.RestoredVm;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmSnapshotException;
import dev.updraft.vmm.runtime.VmStartException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Requests before {@code InstanceStart} (Firecracker's {@code PrebootApiController}): configure
 * resources, then build and boot the VM. Files named by the configuration are checked when they are
 * configured, so that the client hears about a wrong path from the request that gave it.
 */
final class PrebootController {
  private final Vmm vmm;
  // Firecracker's boot_path: set by boot-specific configuration, after which a snapshot load is
  // refused (the logger, metrics and serial output may come first).
  private boolean bootPath;

  PrebootController(Vmm vmm) {
    this.vmm = vmm;
  }

  VmmData handle(VmmAction action) {
    VmResources resources = vmm.resources();
    bootPath |=
        switch (action) {
          case ConfigureBootSource _,
              InsertBlockDevice _,
              InsertNetworkDevice _,
              SetEntropyDevice _,
              VmmAction.InsertPmemDevice _,
              SetBalloonDevice _,
              SetMemoryHotplugDevice _,
              UpdateMachineConfiguration _ ->
              true;
          default -> false;
        };
    switch (action) {
      case ConfigureBootSource a ->
          vmm.resources(resources.withBootSource(checked(a.bootSource())));
      case ConfigureLogger a -> vmm.logger().apply(a.config());
      case ConfigureMetrics a -> vmm.metricsWriter().configure(a.config());
      case ConfigureSerial a -> vmm.resources(resources.withSerial(a.config()));
      case SetEntropyDevice a -> vmm.resources(resources.withEntropy(a.config()));
      case SetVsockDevice a -> vmm.resources(resources.withVsock(checked(a.config())));
      case SetMmdsConfiguration a -> configureMmds(resources, a.config());
      case SetBalloonDevice a -> vmm.resources(resources.withBalloon(a.config()));
      case SetMemoryHotplugDevice a -> vmm.resources(resources.withMemoryHotplug(a.config()));
      case VmmAction.PutCpuConfiguration a -> vmm.resources(resources.withCpuConfig(a.template()));
      case GetBalloonConfig a -> {
        if (resources.balloon() == null) {
          throw new ApiException("Balloon config error: No balloon device found.");
        }
        return new VmmData.BalloonConfiguration(resources.balloon());
      }
      case PutMmds a -> vmm.mmdsOrDefault().put(a.document());
      case PatchMmds a -> vmm.mmdsOrDefault().patch(a.patch());
      case GetMmds a -> {
        return new VmmData.MmdsValue(vmm.mmdsOrDefault().data());
      }
      case InsertBlockDevice a -> vmm.resources(resources.withDrive(checked(a.drive())));
      case InsertNetworkDevice a -> vmm.resources(resources.withNetworkInterface(a.iface()));
      case VmmAction.InsertPmemDevice a ->
          vmm.resources(resources.withPmem(PmemFiles.checked(a.config())));
      case UpdateMachineConfiguration a -> vmm.resources(resources.withMachineUpdate(a.update()));
      case VmmAction.Query query -> {
        return vmm.query(query);
      }
      case StartMicroVm a -> start(resources);
      case LoadSnapshot a -> load(a.request(), resources);
      case CreateSnapshot _,
          UpdateBlockDevice _,
          VmmAction.UpdatePmemDevice _,
          UpdateNetworkInterface _,
          UpdateBalloon _,
          UpdateBalloonStatistics _,
          GetBalloonStats _,
          UpdateMemoryHotplugSize _,
          GetMemoryHotplugStatus _,
          StartFreePageHinting _,
          GetFreePageHintingStatus _,
          StopFreePageHinting _,
          SendCtrlAltDel _,
          FlushMetrics _,
          Pause _,
          Resume _ ->
          throw ApiException.notSupportedPreBoot();
    }
    return VmmData.EMPTY;
  }

  /** Every interface named must be configured; the store takes the version and IMDS mode. */
  private void configureMmds(VmResources resources, MmdsConfig config) {
    for (String id : config.networkInterfaces()) {
      if (resources.networkInterface(id).isEmpty()) {
        throw ConfigException.of(
            "network_interfaces", '"' + id + '"', "the id of a configured network interface");
      }
    }
    Mmds mmds = vmm.mmdsOrDefault();
    mmds.configure(config.version(), config.imdsCompat(), vmm.instanceId());
    vmm.resources(vmm.resources().withMmdsConfig(config));
  }

  private void start(VmResources resources) {
    if (resources.bootSource() == null) {
      throw new ApiException(
          "Start microvm error: Cannot start microvm without kernel configuration.");
    }
    RunningVm running;
    try {
      running = vmm.hypervisor().start(resources, vmm.logger());
    } catch (VmStartException e) {
      throw new ApiException("Start microvm error: " + e.getMessage());
    } catch (RuntimeException e) {
      vmm.logger().error("The hypervisor failed unexpectedly: " + e);
      throw new ApiException("Start microvm error: unexpected failure: " + e);
    }
    if (running == null) {
      throw new ApiException("Start microvm error: the hypervisor returned no VM");
    }
    vmm.logger().info("Successfully started microvm");
    vmm.started(running);
  }

  private void load(SnapshotLoad request, VmResources resources) {
    if (bootPath) {
      throw new ApiException(
          "Load snapshot error: Loading a microVM snapshot not allowed after configuring"
              + " boot-specific resources.");
    }
    long started = System.nanoTime();
    // The store a snapshot's MMDS configuration is served from (the state file has no data, as in
    // Firecracker): the one made before the load, with what was put there, or a new one that stays
    // only if the snapshot has MMDS. Its tokens are bound to this process's instance id.
    Mmds store = resources.mmds() != null ? resources.mmds() : vmm.newMmds();
    store.configure(store.version(), store.imdsCompat(), vmm.instanceId());
    RestoredVm restored;
    try {
      restored = vmm.hypervisor().restore(request, resources.withMmds(store), vmm.logger());
    } catch (VmSnapshotException e) {
      throw new ApiException(
          "Load snapshot error: Failed to restore from snapshot: " + e.getMessage());
    } catch (RuntimeException e) {
      vmm.logger().error("The hypervisor failed unexpectedly: " + e);
      throw new ApiException(
          "Load snapshot error: Failed to restore from snapshot: unexpected failure: " + e);
    }
    long micros = (System.nanoTime() - started) / 1_000;
    vmm.metrics().recordLatency("load_snapshot", micros);
    vmm.logger().debug("'load snapshot' VMM action took " + micros + " us.");
    VmResources after = restored.resources();
    if (resources.mmds() == null && after.mmdsConfig() == null) {
      after = after.withMmds(null);
    }
    vmm.resources(after);
    vmm.started(restored.vm(), request.resumeVm() ? VmState.RUNNING : VmState.PAUSED);
  }

  private static BootSource checked(BootSource source) {
    readableFile("kernel_image_path", source.kernelImagePath());
    if (source.initrdPath() != null) {
      readableFile("initrd_path", source.initrdPath());
    }
    return source;
  }

  private static Drive checked(Drive drive) {
    Path path = drive.pathOnHost();
    boolean usable =
        Files.exists(path)
            && !Files.isDirectory(path)
            && Files.isReadable(path)
            && (drive.isReadOnly() || Files.isWritable(path));
    if (!usable) {
      throw ConfigException.of(
          "path_on_host",
          path,
          drive.isReadOnly()
              ? "an existing file or block device the VMM can read"
              : "an existing file or block device the VMM can read and write");
    }
    return drive;
  }

  /**
   * The listening socket is created when the VM is built; what would make that fail is refused
   * here, as Firecracker refuses it when it binds: anything at the path, or no directory for it.
   */
  private static VsockConfig checked(VsockConfig vsock) {
    Path path = vsock.udsPath();
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw ConfigException.of(
          "uds_path", path, "a path where nothing exists yet (the VMM creates the socket there)");
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
      throw ConfigException.of(
          "uds_path", path, "a path in an existing directory the VMM can write to");
    }
    return vsock;
  }

  private static void readableFile(String field, Path path) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ConfigException.of(field, path, "an existing file the VMM can read");
    }
  }
}
