package dev.updraft.vmm.snapshot;

import dev.updraft.sys.kvm.ClockData;
import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.DescriptorTable;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.sys.kvm.Regs;
import dev.updraft.sys.kvm.Segment;
import dev.updraft.sys.kvm.Sregs;
import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.EntropyConfig;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.devices.I8042State;
import dev.updraft.vmm.devices.SerialState;
import dev.updraft.vmm.dumbo.Ipv4Address;
import dev.updraft.vmm.mmds.MmdsVersion;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.ratelimit.TokenBucketState;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.virtio.QueueState;
import dev.updraft.vmm.virtio.TransportState;
import dev.updraft.vmm.virtio.balloon.BalloonState;
import dev.updraft.vmm.virtio.balloon.GuestStats;
import dev.updraft.vmm.virtio.balloon.HintingState;
import dev.updraft.vmm.virtio.balloon.StatTag;
import dev.updraft.vmm.virtio.block.BlockState;
import dev.updraft.vmm.virtio.block.CacheType;
import dev.updraft.vmm.virtio.mem.VirtioMemState;
import dev.updraft.vmm.virtio.net.MacAddress;
import dev.updraft.vmm.virtio.net.NetState;
import dev.updraft.vmm.virtio.pmem.PmemRegion;
import dev.updraft.vmm.virtio.pmem.PmemState;
import dev.updraft.vmm.virtio.rng.RngState;
import dev.updraft.vmm.virtio.vsock.VsockState;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A state file's contents with every part filled, values chosen to be told apart. */
final class Samples {
  private Samples() {}

  static MicrovmState state() {
    return new MicrovmState(
        config(),
        Layout.ramRegions(128L << 20),
        new KvmVmState(
            blob(112, 1),
            new ClockData(123_456_789L, ClockData.REALTIME | ClockData.TSC_STABLE, 1L << 60, 77),
            blob(520, 2),
            blob(520, 3),
            blob(520, 4)),
        List.of(vcpu(0), vcpu(1)),
        devices());
  }

  static VmConfig config() {
    RateLimiterConfig limiter = new RateLimiterConfig(new TokenBucketConfig(1000, 10, 100), null);
    return new VmConfig(
        new MachineConfig(2, 128, false, true, HugePages.NONE, CpuTemplate.NONE),
        new BootSource(Path.of("/vmlinux"), null, "console=ttyS0"),
        List.of(
            new Drive(
                "rootfs",
                Path.of("/rootfs.ext4"),
                true,
                null,
                false,
                CacheType.WRITEBACK,
                IoEngine.SYNC,
                limiter)),
        List.of(
            new NetworkInterface(
                "eth0", "tap0", MacAddress.parse("06:00:ac:10:00:02"), 1500, null, limiter)),
        new EntropyConfig(null));
  }

  /** {@link #state()} without the pmem and virtio-mem devices format 1.3 added: what 1.2 held. */
  static MicrovmState stateBefore13() {
    MicrovmState state = state();
    DevicesState devices =
        new DevicesState(
            state.devices().serial(),
            state.devices().i8042(),
            state.devices().bootTimer(),
            state.devices().virtio().stream()
                .filter(
                    d ->
                        !(d instanceof VirtioDeviceState.Pmem
                            || d instanceof VirtioDeviceState.Mem))
                .toList());
    return new MicrovmState(state.config(), state.memory(), state.vm(), state.vcpus(), devices);
  }

  /** The same with what format 1.3 added: a vsock device and the MMDS configuration. */
  static MicrovmState stateWithVsockAndMmds() {
    MicrovmState state = state();
    VmConfig config = configWithVsockAndMmds();
    List<VirtioDeviceState> virtio = new java.util.ArrayList<>(state.devices().virtio());
    virtio.add(
        new VirtioDeviceState.Vsock(
            "vsock",
            new DeviceSlot(0xC000_5000L, 0x1000, 9),
            state.devices().virtio().getFirst().transport(),
            new VsockState(true)));
    DevicesState devices =
        new DevicesState(
            state.devices().serial(), state.devices().i8042(), state.devices().bootTimer(), virtio);
    return new MicrovmState(config, state.memory(), state.vm(), state.vcpus(), devices);
  }

  static VmConfig configWithVsockAndMmds() {
    VmConfig config = config();
    return new VmConfig(
        config.machine(),
        config.bootSource(),
        config.drives(),
        config.networkInterfaces(),
        config.entropy(),
        new VsockConfig(null, 3, Path.of("/tmp/v.sock")),
        new MmdsConfig(MmdsVersion.V2, List.of("eth0"), new Ipv4Address(0xA9FE_AA02), true));
  }

  static VcpuState vcpu(int id) {
    Segment code = new Segment(0, 0xFFFFF, 8, 0xB, true, 0, false, true, true, true, false, false);
    Segment data = new Segment(0, 0xFFFFF, 16, 3, true, 0, true, true, false, true, false, false);
    Sregs sregs =
        new Sregs(
            code,
            data,
            data,
            data,
            data,
            data,
            new Segment(0, 0x67, 24, 0xB, true, 0, false, false, false, false, false, false),
            new Segment(0, 0, 0, 2, false, 0, false, false, false, false, false, true),
            new DescriptorTable(0x500, 31),
            new DescriptorTable(0x520, 7),
            0x8000_0011L,
            0,
            0x9000,
            0x20,
            0,
            0x500,
            0xFEE0_0900L,
            new long[] {0, 1L << 40, 0, 0});
    return new VcpuState(
        List.of(new CpuidEntry(0, 0, 0, 0xD, 0x756E_6547, 0x6C65_746E, 0x4965_6E69)),
        0,
        new Regs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x20_0000 + id, 2),
        sregs,
        blob(416, 5),
        blob(4096, 6),
        blob(392, 7),
        blob(128, 8),
        blob(1024, 9 + id),
        List.of(new MsrEntry(0x10, 999), new MsrEntry(0x6E0, 1000)),
        blob(64, 11),
        2_596_134);
  }

  static DevicesState devices() {
    TransportState transport =
        new TransportState(
            2,
            0xF,
            1,
            1,
            0x1_0000_0000L | 1 << 29,
            false,
            0,
            1,
            3,
            List.of(new QueueState(256, true, 0x10_0000, 0x10_1000, 0x10_2000, 17, 16, 1)),
            true,
            false);
    RateLimiterState limiter =
        new RateLimiterState(
            new TokenBucketState(new TokenBucketConfig(1000, 10, 100), 700, 0, 5_000_000), null);
    return new DevicesState(
        new SerialState(12, 0, 1, 3, 8, 0x5A, true, false, true, false, new Blob(new byte[] {65})),
        new I8042State(0x10, 5, 0, 0, Blob.EMPTY),
        true,
        List.of(
            new VirtioDeviceState.Block(
                "rootfs",
                new DeviceSlot(0xC000_1000L, 0x1000, 5),
                transport,
                new BlockState(limiter)),
            new VirtioDeviceState.Net(
                "eth0",
                new DeviceSlot(0xC000_2000L, 0x1000, 6),
                transport,
                new NetState(
                    new Blob(new byte[] {6, 0, 0, 0, 0, 2}),
                    RateLimiterState.UNLIMITED,
                    limiter,
                    List.of(3, 4))),
            new VirtioDeviceState.Rng(
                "entropy",
                new DeviceSlot(0xC000_3000L, 0x1000, 7),
                transport,
                new RngState(RateLimiterState.UNLIMITED)),
            new VirtioDeviceState.Balloon(
                "balloon",
                new DeviceSlot(0xC000_4000L, 0x1000, 8),
                transport,
                new BalloonState(
                    4096,
                    1024,
                    true,
                    5,
                    2,
                    new GuestStats(Map.of(StatTag.FREE_MEMORY, 1L << 30, StatTag.OOM_KILL, 0L)),
                    true,
                    true,
                    new HintingState(5, 5, 0, true))),
            new VirtioDeviceState.Pmem(
                "pmem0",
                new DeviceSlot(0xC000_5000L, 0x1000, 9),
                transport,
                new PmemConfig(
                    "pmem0",
                    Path.of("/srv/pmem0.img"),
                    true,
                    true,
                    new RateLimiterConfig(null, new TokenBucketConfig(10, 0, 100))),
                new PmemState(new PmemRegion(512L << 30, 4L << 20), limiter)),
            new VirtioDeviceState.Mem(
                "mem",
                new DeviceSlot(0xC000_6000L, 0x1000, 10),
                transport,
                new VirtioMemState(
                    512L << 30,
                    256L << 20,
                    2L << 20,
                    128L << 20,
                    128L << 20,
                    4L << 20,
                    java.util.BitSet.valueOf(new long[] {0b11})))));
  }

  static Blob blob(int size, int fill) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) fill);
    return new Blob(bytes);
  }
}
