package dev.updraft.vmm.snapshot;

import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.EntropyConfig;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.config.WireNamed;
import dev.updraft.vmm.dumbo.Ipv4Address;
import dev.updraft.vmm.mmds.MmdsVersion;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.block.CacheType;
import dev.updraft.vmm.virtio.net.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The configuration the VM was built from, as the API holds it (Firecracker's {@code VmInfo} and
 * the devices' configurations): the restore makes the same devices from it through the same code as
 * a boot, and {@code GET /vm/config} shows it. The serial output, logger and metrics are the new
 * process's, as in Firecracker.
 *
 * <p>The vsock device ({@code vsock}) and the MMDS configuration ({@code mmds}: version, address,
 * the interfaces that reach it, IMDS mode; Firecracker keeps the same in its MmdsState and each net
 * device's MMDS stack) came in format 1.3, at the end: an older file has neither. The MMDS data
 * store is not kept, as in Firecracker: it may hold what belongs to one clone only.
 */
public record VmConfig(
    MachineConfig machine,
    BootSource bootSource,
    List<Drive> drives,
    List<NetworkInterface> networkInterfaces,
    EntropyConfig entropy,
    VsockConfig vsock,
    MmdsConfig mmds)
    implements Encodable {
  static final int MAX_DEVICES = 64;
  private static final int MAX_PATH = 4096;
  private static final int MAX_TEXT = 4096;

  public VmConfig {
    Objects.requireNonNull(machine, "machine");
    drives = List.copyOf(drives);
    networkInterfaces = List.copyOf(networkInterfaces);
  }

  /** A configuration without vsock and MMDS (what a format 1.2 file holds). */
  public VmConfig(
      MachineConfig machine,
      BootSource bootSource,
      List<Drive> drives,
      List<NetworkInterface> networkInterfaces,
      EntropyConfig entropy) {
    this(machine, bootSource, drives, networkInterfaces, entropy, null, null);
  }

  /** The parts of {@code resources} a snapshot keeps (MMDS only if it is configured). */
  public static VmConfig of(VmResources resources) {
    return new VmConfig(
        resources.machine(),
        resources.bootSource(),
        resources.drives(),
        resources.networkInterfaces(),
        resources.entropy(),
        resources.vsock(),
        resources.mmds() == null ? null : resources.mmdsConfig());
  }

  /**
   * This configuration with a load's overrides: the TAP devices of {@code network_overrides}, and
   * {@code vsock_override}'s socket for the vsock device.
   *
   * @throws SnapshotException for an override of a device the snapshot does not have
   */
  public VmConfig withOverrides(SnapshotLoad load) {
    List<NetworkInterface> nics = networkInterfaces;
    for (SnapshotLoad.NetworkOverride o : load.networkOverrides()) {
      if (nics.stream().noneMatch(n -> n.ifaceId().equals(o.ifaceId()))) {
        throw new SnapshotException(
            "network_overrides: iface_id \""
                + o.ifaceId()
                + "\" (expected: an interface of the snapshot: "
                + networkInterfaces.stream().map(NetworkInterface::ifaceId).toList()
                + ")");
      }
      nics =
          nics.stream()
              .map(
                  n ->
                      n.ifaceId().equals(o.ifaceId())
                          ? new NetworkInterface(
                              n.ifaceId(),
                              o.hostDevName(),
                              n.guestMac(),
                              n.mtu(),
                              n.rxRateLimiter(),
                              n.txRateLimiter())
                          : n)
              .toList();
    }
    VsockConfig newVsock = vsock;
    if (load.vsockOverride() != null) {
      if (vsock == null) {
        throw new SnapshotException(
            "vsock_override: the snapshot has no vsock device (Firecracker: Unknown Vsock Device)");
      }
      newVsock =
          new VsockConfig(
              vsock.vsockId(), vsock.guestCid(), Path.of(load.vsockOverride().udsPath()));
    }
    return new VmConfig(machine, bootSource, drives, nics, entropy, newVsock, mmds);
  }

  /**
   * Resources for the restored VM: this configuration, with the new process's serial output and its
   * MMDS data store ({@code current}'s, which the caller made and the restored interfaces answer
   * from; empty unless something was put there). The balloon's and the virtio-mem device's
   * configurations are in their device states, and the caller adds them. A custom CPU template is
   * not kept: its effect is in each vCPU's saved CPUID and MSRs, as in Firecracker.
   */
  public VmResources toResources(VmResources current) {
    return new VmResources(
        machine,
        bootSource,
        drives,
        networkInterfaces,
        entropy,
        current.serial(),
        current.bootTimer(),
        vsock,
        mmds,
        current.mmds(),
        null,
        null,
        List.of(),
        null);
  }

  @Override
  public void write(StateWriter out) {
    out.writeInt(machine.vcpuCount())
        .writeInt(machine.memSizeMib())
        .writeBool(machine.smt())
        .writeBool(machine.trackDirtyPages())
        .writeString(machine.hugePages().wireName())
        .writeString(machine.cpuTemplate().wireName())
        .writeOptional(bootSource, VmConfig::writeBootSource)
        .writeList(drives, VmConfig::writeDrive)
        .writeList(networkInterfaces, VmConfig::writeNetwork)
        .writeOptional(entropy, (w, e) -> writeLimiter(w, e.rateLimiter()))
        .writeOptional(vsock, VmConfig::writeVsock)
        .writeOptional(mmds, VmConfig::writeMmds);
  }

  public static VmConfig read(StateReader in) {
    MachineConfig machine =
        new MachineConfig(
            in.readInt(),
            in.readInt(),
            in.readBool(),
            in.readBool(),
            wire(HugePages.class, "huge_pages", in.readString(MAX_TEXT)),
            wire(CpuTemplate.class, "cpu_template", in.readString(MAX_TEXT)));
    BootSource bootSource = in.readOptional(VmConfig::readBootSource);
    List<Drive> drives = in.readList(MAX_DEVICES, VmConfig::readDrive);
    List<NetworkInterface> nics = in.readList(MAX_DEVICES, VmConfig::readNetwork);
    EntropyConfig entropy = in.readOptional(r -> new EntropyConfig(readLimiter(r)));
    if (in.atEnd()) {
      // Format 1.2 and older: the section ends here, without vsock and MMDS.
      return new VmConfig(machine, bootSource, drives, nics, entropy);
    }
    return new VmConfig(
        machine,
        bootSource,
        drives,
        nics,
        entropy,
        in.readOptional(VmConfig::readVsock),
        in.readOptional(VmConfig::readMmds));
  }

  private static void writeVsock(StateWriter out, VsockConfig v) {
    out.writeOptional(v.vsockId(), StateWriter::writeString)
        .writeLong(v.guestCid())
        .writeString(v.udsPath().toString());
  }

  private static VsockConfig readVsock(StateReader in) {
    return new VsockConfig(
        in.readOptional(r -> r.readString(MAX_TEXT)),
        in.readLong(),
        Path.of(in.readString(MAX_PATH)));
  }

  private static void writeMmds(StateWriter out, MmdsConfig m) {
    out.writeString(m.version().wireName())
        .writeList(m.networkInterfaces(), StateWriter::writeString)
        .writeInt(m.ipv4Address().value())
        .writeBool(m.imdsCompat());
  }

  private static MmdsConfig readMmds(StateReader in) {
    String version = in.readString(MAX_TEXT);
    MmdsVersion parsed =
        switch (version) {
          case "V1" -> MmdsVersion.V1;
          case "V2" -> MmdsVersion.V2;
          default -> throw in.failure("mmds version: \"" + version + "\" (expected: V1 or V2)");
        };
    return new MmdsConfig(
        parsed,
        in.readList(MAX_DEVICES, r -> r.readString(MAX_TEXT)),
        new Ipv4Address(in.readInt()),
        in.readBool());
  }

  private static void writeBootSource(StateWriter out, BootSource b) {
    out.writeString(b.kernelImagePath().toString())
        .writeOptional(b.initrdPath(), (w, p) -> w.writeString(p.toString()))
        .writeOptional(b.bootArgs(), StateWriter::writeString);
  }

  private static BootSource readBootSource(StateReader in) {
    return new BootSource(
        Path.of(in.readString(MAX_PATH)),
        in.readOptional(r -> Path.of(r.readString(MAX_PATH))),
        in.readOptional(r -> r.readString(MAX_TEXT)));
  }

  private static void writeDrive(StateWriter out, Drive d) {
    out.writeString(d.driveId())
        .writeString(d.pathOnHost().toString())
        .writeBool(d.isRootDevice())
        .writeOptional(d.partuuid(), StateWriter::writeString)
        .writeBool(d.isReadOnly())
        .writeString(d.cacheType().wireName())
        .writeString(d.ioEngine().wireName());
    writeLimiter(out, d.rateLimiter());
  }

  private static Drive readDrive(StateReader in) {
    return new Drive(
        in.readString(MAX_TEXT),
        Path.of(in.readString(MAX_PATH)),
        in.readBool(),
        in.readOptional(r -> r.readString(MAX_TEXT)),
        in.readBool(),
        WireNamed.parse(
            CacheType.class, CacheType::wireName, "cache_type", in.readString(MAX_TEXT), false),
        wire(IoEngine.class, "io_engine", in.readString(MAX_TEXT)),
        readLimiter(in));
  }

  private static void writeNetwork(StateWriter out, NetworkInterface n) {
    out.writeString(n.ifaceId())
        .writeString(n.hostDevName())
        .writeOptional(n.guestMac(), (w, m) -> w.writeLong(m.value()))
        .writeOptional(n.mtu(), StateWriter::writeInt);
    writeLimiter(out, n.rxRateLimiter());
    writeLimiter(out, n.txRateLimiter());
  }

  private static NetworkInterface readNetwork(StateReader in) {
    return new NetworkInterface(
        in.readString(MAX_TEXT),
        in.readString(MAX_TEXT),
        in.readOptional(r -> new MacAddress(r.readLong())),
        in.readOptional(StateReader::readInt),
        readLimiter(in),
        readLimiter(in));
  }

  /** A limiter the API holds: absent, or with each bucket absent or given. */
  static void writeLimiter(StateWriter out, RateLimiterConfig limiter) {
    out.writeOptional(
        limiter,
        (w, l) ->
            w.writeOptional(l.bandwidth(), VmConfig::writeBucket)
                .writeOptional(l.ops(), VmConfig::writeBucket));
  }

  static RateLimiterConfig readLimiter(StateReader in) {
    return in.readOptional(
        r ->
            new RateLimiterConfig(
                r.readOptional(VmConfig::readBucket), r.readOptional(VmConfig::readBucket)));
  }

  private static void writeBucket(StateWriter out, TokenBucketConfig b) {
    out.writeLong(b.size()).writeLong(b.oneTimeBurst()).writeLong(b.refillTimeMs());
  }

  private static TokenBucketConfig readBucket(StateReader in) {
    return new TokenBucketConfig(in.readLong(), in.readLong(), in.readLong());
  }

  private static <E extends Enum<E> & WireNamed> E wire(Class<E> type, String field, String value) {
    return WireNamed.parse(type, field, value, false);
  }
}
