package dev.updraft.vmm.config;

import dev.updraft.vmm.mmds.Mmds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Everything the hypervisor needs to build the microVM, validated as a whole: ids, host device
 * names and guest MACs are unique, at most one drive is the root device and it comes first (so it
 * becomes {@code /dev/vda}), and 2 MiB huge pages are not combined with an initrd.
 *
 * @param machine vCPUs and memory
 * @param bootSource the kernel, initrd and command line; null until configured
 * @param drives block devices, the root device first
 * @param networkInterfaces network devices, in the order they were added
 * @param entropy the virtio-rng device, or null for none
 * @param serial where COM1 output goes, or null for the VMM's standard output
 * @param bootTimer whether the boot-timer device is attached ({@code --boot-timer})
 * @param vsock the virtio-vsock device, or null for none
 * @param mmdsConfig how the guest reaches the metadata service, or null if it does not
 * @param mmds the metadata store, or null until something (an API request, {@code --metadata})
 *     creates it; shared with the running VM, which reads it for the guest
 * @param balloon the virtio-balloon device, or null for none; after boot its target and interval as
 *     last changed
 * @param cpuConfig the custom CPU template ({@code PUT /cpu-config}), or null for none; it and a
 *     static {@code cpu_template} replace each other, as in Firecracker
 * @param pmem virtio-pmem devices in the order added (which names them {@code /dev/pmem0}, ...)
 * @param memoryHotplug the virtio-mem device ({@code /hotplug/memory}), or null for none
 */
public record VmResources(
    MachineConfig machine,
    BootSource bootSource,
    List<Drive> drives,
    List<NetworkInterface> networkInterfaces,
    EntropyConfig entropy,
    SerialConfig serial,
    boolean bootTimer,
    VsockConfig vsock,
    MmdsConfig mmdsConfig,
    Mmds mmds,
    BalloonConfig balloon,
    CustomCpuTemplate cpuConfig,
    List<PmemConfig> pmem,
    MemoryHotplugConfig memoryHotplug) {

  public VmResources {
    Objects.requireNonNull(machine, "machine-config");
    drives = rootFirst(List.copyOf(drives));
    networkInterfaces = List.copyOf(networkInterfaces);
    pmem = List.copyOf(pmem);
    unique(drives, Drive::driveId, "drive_id");
    unique(pmem, PmemConfig::id, "id");
    PmemRules.checkRoots(drives, pmem);
    unique(networkInterfaces, NetworkInterface::ifaceId, "iface_id");
    unique(networkInterfaces, NetworkInterface::hostDevName, "host_dev_name");
    unique(
        networkInterfaces.stream().filter(n -> n.guestMac() != null).toList(),
        n -> n.guestMac().toString(),
        "guest_mac");
    if (machine.hugePages() == HugePages.HUGETLBFS_2M
        && bootSource != null
        && bootSource.initrdPath() != null) {
      throw ConfigException.of(
          "huge_pages", "2M", "None or Transparent when an initrd is configured");
    }
  }

  /** No boot source, no devices, Firecracker's default machine. */
  public static VmResources defaults() {
    return new VmResources(
        MachineConfig.DEFAULT,
        null,
        List.of(),
        List.of(),
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        null);
  }

  public VmResources withMachine(MachineConfig newMachine) {
    return edit(p -> p.machine = newMachine);
  }

  /**
   * A machine configuration update: one that names a {@code cpu_template} (even {@code None}) drops
   * a custom template, as Firecracker's {@code MachineConfig::update} replaces it.
   */
  public VmResources withMachineUpdate(MachineConfigUpdate update) {
    MachineConfig updated = machine.with(update);
    return edit(
        p -> {
          p.machine = updated;
          if (update.cpuTemplate() != null) {
            p.cpuConfig = null;
          }
        });
  }

  /** A custom CPU template, which replaces a static one ({@code cpu_template} becomes None). */
  public VmResources withCpuConfig(CustomCpuTemplate template) {
    MachineConfig m = machine;
    MachineConfig none =
        new MachineConfig(
            m.vcpuCount(),
            m.memSizeMib(),
            m.smt(),
            m.trackDirtyPages(),
            m.hugePages(),
            CpuTemplate.NONE);
    return edit(
        p -> {
          p.cpuConfig = template;
          p.machine = none;
        });
  }

  public VmResources withBootSource(BootSource newBootSource) {
    return edit(p -> p.bootSource = newBootSource);
  }

  /**
   * Adds {@code drive}, or replaces the drive with its id (PUT semantics).
   *
   * @throws ConfigException if it is a root device and another drive already is
   */
  public VmResources withDrive(Drive drive) {
    PmemRules.checkDrive(drive, pmem);
    if (drive.isRootDevice()) {
      for (Drive other : drives) {
        if (other.isRootDevice() && !other.driveId().equals(drive.driveId())) {
          throw ConfigException.of(
              "is_root_device",
              true,
              "false, drive \"" + other.driveId() + "\" is already the root device");
        }
      }
    }
    return edit(p -> p.drives = replaceOrAdd(drives, drive, Drive::driveId));
  }

  /**
   * Adds a pmem device, or replaces the one with its id (PUT semantics), with Firecracker's rules
   * for root devices.
   *
   * @throws ConfigException if it is a root device and a drive or another pmem device already is
   */
  public VmResources withPmem(PmemConfig device) {
    PmemRules.checkPmem(device, drives, pmem);
    return edit(p -> p.pmem = replaceOrAdd(pmem, device, PmemConfig::id));
  }

  /** Adds {@code iface}, or replaces the interface with its id (PUT semantics). */
  public VmResources withNetworkInterface(NetworkInterface iface) {
    return edit(
        p ->
            p.networkInterfaces =
                replaceOrAdd(networkInterfaces, iface, NetworkInterface::ifaceId));
  }

  public VmResources withEntropy(EntropyConfig newEntropy) {
    return edit(p -> p.entropy = newEntropy);
  }

  public VmResources withSerial(SerialConfig newSerial) {
    return edit(p -> p.serial = newSerial);
  }

  public VmResources withVsock(VsockConfig newVsock) {
    return edit(p -> p.vsock = newVsock);
  }

  public VmResources withMmdsConfig(MmdsConfig newMmdsConfig) {
    return edit(p -> p.mmdsConfig = newMmdsConfig);
  }

  public VmResources withMmds(Mmds newMmds) {
    return edit(p -> p.mmds = newMmds);
  }

  /**
   * Sets the balloon device (PUT semantics, before boot) or records a runtime change.
   *
   * @throws ConfigException if its target is more than the guest's memory
   */
  public VmResources withBalloon(BalloonConfig newBalloon) {
    if (newBalloon != null && newBalloon.amountMib() > machine.memSizeMib()) {
      throw new ConfigException(
          "Amount of pages requested is too large. (amount_mib: "
              + newBalloon.amountMib()
              + ", expected: at most the "
              + machine.memSizeMib()
              + " MiB of mem_size_mib)");
    }
    return edit(p -> p.balloon = newBalloon);
  }

  /** All pmem devices at once (a restored VM's, from its state), checked as a whole. */
  public VmResources withPmemDevices(List<PmemConfig> devices) {
    return edit(p -> p.pmem = List.copyOf(devices));
  }

  /** Sets the virtio-mem device (PUT semantics, before boot). */
  public VmResources withMemoryHotplug(MemoryHotplugConfig newMemoryHotplug) {
    return edit(p -> p.memoryHotplug = newMemoryHotplug);
  }

  public VmResources withBootTimer(boolean enabled) {
    return edit(p -> p.bootTimer = enabled);
  }

  /**
   * Applies a post-boot drive update.
   *
   * @throws ConfigException if no drive has the update's id
   */
  public VmResources withDriveUpdate(DriveUpdate update) {
    Drive drive =
        drive(update.driveId())
            .orElseThrow(() -> unknown("drive_id", update.driveId(), "a configured drive"));
    return withDrive(drive.with(update));
  }

  /**
   * Applies a post-boot rate-limiter update.
   *
   * @throws ConfigException if no interface has the update's id
   */
  public VmResources withNetworkInterfaceUpdate(NetworkInterfaceUpdate update) {
    NetworkInterface iface =
        networkInterface(update.ifaceId())
            .orElseThrow(
                () -> unknown("iface_id", update.ifaceId(), "a configured network interface"));
    return withNetworkInterface(iface.with(update));
  }

  /**
   * Applies a post-boot pmem rate-limiter update.
   *
   * @throws ConfigException if no pmem device has the update's id
   */
  public VmResources withPmemUpdate(PmemUpdate update) {
    PmemConfig device =
        pmem(update.id()).orElseThrow(() -> unknown("id", update.id(), "a configured pmem device"));
    PmemConfig updated =
        new PmemConfig(
            device.id(),
            device.pathOnHost(),
            device.rootDevice(),
            device.readOnly(),
            dev.updraft.vmm.ratelimit.RateLimiterConfig.patched(
                device.rateLimiter(), update.rateLimiter()));
    return edit(p -> p.pmem = replaceOrAdd(pmem, updated, PmemConfig::id));
  }

  public Optional<PmemConfig> pmem(String id) {
    return pmem.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  public Optional<Drive> drive(String driveId) {
    return drives.stream().filter(d -> d.driveId().equals(driveId)).findFirst();
  }

  public Optional<NetworkInterface> networkInterface(String ifaceId) {
    return networkInterfaces.stream().filter(n -> n.ifaceId().equals(ifaceId)).findFirst();
  }

  private static ConfigException unknown(String field, String id, String what) {
    return ConfigException.of(field, '"' + id + '"', "the id of " + what);
  }

  private static <T> List<T> replaceOrAdd(List<T> items, T item, Function<T, String> id) {
    List<T> result = new ArrayList<>(items);
    for (int i = 0; i < result.size(); i++) {
      if (id.apply(result.get(i)).equals(id.apply(item))) {
        result.set(i, item);
        return result;
      }
    }
    result.add(item);
    return result;
  }

  private static List<Drive> rootFirst(List<Drive> drives) {
    List<Drive> roots = drives.stream().filter(Drive::isRootDevice).toList();
    if (roots.size() > 1) {
      throw ConfigException.of(
          "is_root_device",
          "true on drives \""
              + roots.get(0).driveId()
              + "\" and \""
              + roots.get(1).driveId()
              + "\"",
          "at most one root device");
    }
    if (roots.isEmpty() || drives.get(0).isRootDevice()) {
      return drives;
    }
    List<Drive> ordered = new ArrayList<>(roots);
    drives.stream().filter(d -> !d.isRootDevice()).forEach(ordered::add);
    return List.copyOf(ordered);
  }

  private static <T> void unique(List<T> items, Function<T, String> key, String field) {
    Map<String, T> seen = new HashMap<>();
    for (T item : items) {
      T previous = seen.putIfAbsent(key.apply(item), item);
      if (previous != null) {
        throw ConfigException.of(
            field, '"' + key.apply(item) + '"', "a value no other device uses");
      }
    }
  }

  /** A copy with one component changed, through the canonical constructor's checks. */
  private VmResources edit(Consumer<Parts> change) {
    Parts p = new Parts(this);
    change.accept(p);
    return new VmResources(
        p.machine,
        p.bootSource,
        p.drives,
        p.networkInterfaces,
        p.entropy,
        p.serial,
        p.bootTimer,
        p.vsock,
        p.mmdsConfig,
        p.mmds,
        p.balloon,
        p.cpuConfig,
        p.pmem,
        p.memoryHotplug);
  }

  /** The components, mutable for the length of one {@link #edit}. */
  private static final class Parts {
    MachineConfig machine;
    BootSource bootSource;
    List<Drive> drives;
    List<NetworkInterface> networkInterfaces;
    EntropyConfig entropy;
    SerialConfig serial;
    boolean bootTimer;
    VsockConfig vsock;
    MmdsConfig mmdsConfig;
    Mmds mmds;
    BalloonConfig balloon;
    CustomCpuTemplate cpuConfig;
    List<PmemConfig> pmem;
    MemoryHotplugConfig memoryHotplug;

    Parts(VmResources r) {
      machine = r.machine;
      bootSource = r.bootSource;
      drives = r.drives;
      networkInterfaces = r.networkInterfaces;
      entropy = r.entropy;
      serial = r.serial;
      bootTimer = r.bootTimer;
      vsock = r.vsock;
      mmdsConfig = r.mmdsConfig;
      mmds = r.mmds;
      balloon = r.balloon;
      cpuConfig = r.cpuConfig;
      pmem = r.pmem;
      memoryHotplug = r.memoryHotplug;
    }
  }
}
