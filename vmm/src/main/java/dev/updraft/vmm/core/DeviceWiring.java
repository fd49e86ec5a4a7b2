package dev.updraft.vmm.core;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.Fd;
import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.config.MemoryHotplugConfig;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.devices.BootTimer;
import dev.updraft.vmm.devices.I8042;
import dev.updraft.vmm.devices.Serial;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.mmds.MmdsNetworkStack;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.ratelimit.TokenType;
import dev.updraft.vmm.snapshot.VirtioDeviceState;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import dev.updraft.vmm.virtio.balloon.VirtioBalloon;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.block.VirtioBlock;
import dev.updraft.vmm.virtio.mem.VirtioMem;
import dev.updraft.vmm.virtio.net.NetConfig;
import dev.updraft.vmm.virtio.net.VirtioNet;
import dev.updraft.vmm.virtio.pmem.PmemRegion;
import dev.updraft.vmm.virtio.pmem.VirtioPmem;
import dev.updraft.vmm.virtio.rng.EntropySource;
import dev.updraft.vmm.virtio.rng.VirtioRng;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Makes each device and puts it on the machine's buses the same way for a boot and a restore: COM1
 * and the i8042 on the port bus, the boot timer and virtio transports on the MMIO bus, their metric
 * groups, and the entries of the {@link DeviceSet} that let a snapshot save them.
 */
final class DeviceWiring {
  /** A virtio device on the bus with its transport (a restore hands each its state). */
  record Attached<D extends VirtioDevice>(D device, VirtioMmioTransport transport) {}

  private final KvmMachine machine;
  private final EventLoop loop;
  private final DeviceSet set;
  private final Consumer<String> log;

  DeviceWiring(KvmMachine machine, EventLoop loop, DeviceSet set, Consumer<String> log) {
    this.machine = machine;
    this.loop = loop;
    this.set = set;
    this.log = log;
  }

  /** COM1 writing to {@code out} under {@code limit}, reading {@code input} (or nothing). */
  Serial serial(OutputStream out, TokenBucketConfig limit, Fd input) {
    Counters uart = new Counters("uart");
    set.metrics.add(uart);
    ConsoleInput console = input == null ? null : new ConsoleInput(loop, input);
    Serial serial =
        new Serial(
            machine.interrupt(Layout.GSI_COM1),
            out,
            uart,
            outputLimiter(limit),
            console == null ? () -> {} : console::resume);
    machine.pio().insert(serial, Layout.COM1_PORT, Layout.COM1_PORT_SIZE, "com1");
    if (console != null) {
      console.feed(serial);
    }
    set.serial = serial;
    return serial;
  }

  I8042 i8042() {
    Counters keyboard = new Counters("i8042");
    set.metrics.add(keyboard);
    I8042 i8042 =
        new I8042(
            machine.interrupt(Layout.GSI_I8042),
            () -> machine.guestEnded("reset (i8042)"),
            keyboard);
    machine.pio().insert(i8042, Layout.I8042_PORT, Layout.I8042_PORT_SIZE, "i8042");
    set.i8042 = i8042;
    return i8042;
  }

  void bootTimer(BootTimer.Start start) {
    machine
        .mmio()
        .insert(
            new BootTimer(start, log),
            Layout.BOOT_TIMER_START,
            Layout.MMIO_SLOT_SIZE,
            "boot-timer");
    set.bootTimer = true;
  }

  Attached<VirtioBlock> block(BlockConfig drive, DeviceSlot slot) {
    Counters counters = new Counters("block_" + drive.driveId());
    VirtioBlock block = new VirtioBlock(drive, loop, counters);
    set.resources.add(block);
    VirtioMmioTransport transport =
        VirtioWiring.attach(machine, loop, slot, block, "virtio-blk " + drive.driveId());
    set.blocks.put(drive.driveId(), block);
    set.metrics.add(counters);
    return register(
        slot,
        transport,
        block,
        () -> new VirtioDeviceState.Block(drive.driveId(), slot, transport.save(), block.save()));
  }

  /** A virtio-net on TAP {@code hostDevName}; {@code mmds} (or null) answers its MMDS traffic. */
  Attached<VirtioNet> net(
      NetConfig config, String hostDevName, DeviceSlot slot, MmdsNetworkStack mmds) {
    TapBackend tap = openTap(config, hostDevName);
    set.resources.add(tap);
    Counters counters = new Counters("net_" + config.ifaceId());
    VirtioNet device = new VirtioNet(config, tap, mmds, loop, counters);
    VirtioMmioTransport transport =
        VirtioWiring.attach(machine, loop, slot, device, "virtio-net " + config.ifaceId());
    // Edge-triggered: the device reads until EAGAIN or until it must stop (no guest buffers,
    // rate limit) and resumes on the guest's notify or its timer, not on a spinning level.
    loop.register(tap.fd(), Epoll.EPOLLIN | Epoll.EPOLLET, ready -> device.onBackendReadable());
    set.nets.put(config.ifaceId(), device);
    set.metrics.add(counters);
    return register(
        slot,
        transport,
        device,
        () -> new VirtioDeviceState.Net(config.ifaceId(), slot, transport.save(), device.save()));
  }

  /**
   * The virtio-vsock device, listening at {@code udsPath} (for a restore, the saved or overridden
   * path: the host side is made anew, without the old connections).
   */
  Attached<VirtioVsock> vsock(long guestCid, Path udsPath, DeviceSlot slot) {
    UnixVsockHost host = UnixVsockHost.bind(udsPath, loop);
    set.resources.add(host);
    Counters counters = new Counters("vsock");
    VirtioVsock vsock = new VirtioVsock(guestCid, host, counters);
    VirtioMmioTransport transport = VirtioWiring.attach(machine, loop, slot, vsock, "virtio-vsock");
    set.metrics.add(counters);
    set.vsock = vsock;
    return register(
        slot,
        transport,
        vsock,
        () -> new VirtioDeviceState.Vsock("vsock", slot, transport.save(), vsock.save()));
  }

  Attached<VirtioRng> rng(RateLimiterConfig limiter, DeviceSlot slot) {
    Counters counters = new Counters("entropy");
    VirtioRng rng = new VirtioRng(EntropySource.system(), limiter, loop, counters);
    VirtioMmioTransport transport = VirtioWiring.attach(machine, loop, slot, rng, "virtio-rng");
    set.metrics.add(counters);
    return register(
        slot,
        transport,
        rng,
        () -> new VirtioDeviceState.Rng("entropy", slot, transport.save(), rng.save()));
  }

  /**
   * A virtio-pmem device: its file mapped here and put into guest physical memory where {@code
   * place} says for the mapping's size (a fresh region at boot, the saved one on a restore), in a
   * KVM memory slot of its own. The device's state carries its configuration, as the balloon's.
   */
  Attached<VirtioPmem> pmem(
      PmemConfig config, DeviceSlot slot, java.util.function.LongFunction<PmemRegion> place) {
    PmemMapping mapping = PmemMapping.open(config);
    set.resources.add(mapping);
    PmemRegion region = place.apply(mapping.size());
    machine.mapDeviceMemory(
        region.start(), region.size(), mapping.hostAddress(), config.readOnly());
    Counters counters = new Counters("pmem_" + config.id());
    VirtioPmem device =
        new VirtioPmem(
            region, mapping, DeviceConfigs.limiter(config.rateLimiter()), loop, counters);
    VirtioMmioTransport transport =
        VirtioWiring.attach(machine, loop, slot, device, "virtio-pmem " + config.id());
    set.pmem.put(config.id(), device);
    set.pmemConfigs.put(config.id(), config);
    set.metrics.add(counters);
    return register(
        slot,
        transport,
        device,
        () ->
            new VirtioDeviceState.Pmem(config.id(), slot, transport.save(), config, device.save()));
  }

  /** The balloon, whose state carries its configuration (see {@link VirtioDeviceState.Balloon}). */
  Attached<VirtioBalloon> balloon(MicroVmBuilder.BalloonDevice config, DeviceSlot slot) {
    Counters counters = new Counters("balloon");
    VirtioBalloon balloon =
        new VirtioBalloon(
            config.amountMib(),
            config.deflateOnOom(),
            config.statsIntervalS(),
            config.freePageHinting(),
            config.freePageReporting(),
            loop,
            counters);
    VirtioMmioTransport transport =
        VirtioWiring.attach(machine, loop, slot, balloon, "virtio-balloon");
    set.metrics.add(counters);
    set.balloon = balloon;
    return register(
        slot,
        transport,
        balloon,
        () -> new VirtioDeviceState.Balloon("balloon", slot, transport.save(), balloon.save()));
  }

  /**
   * The virtio-mem device over a region of {@code config}'s size at {@code address}, mapped now;
   * its state carries its geometry (see {@link VirtioDeviceState.Mem}).
   */
  Attached<VirtioMem> mem(MemoryHotplugConfig config, long address, DeviceSlot slot) {
    HotplugMemory region = machine.hotplugMemory(address, config.totalBytes(), config.slotBytes());
    Counters counters = new Counters("memory_hotplug");
    VirtioMem mem =
        new VirtioMem(
            address,
            config.totalBytes(),
            config.blockBytes(),
            config.slotBytes(),
            region,
            counters);
    VirtioMmioTransport transport = VirtioWiring.attach(machine, loop, slot, mem, "virtio-mem");
    set.metrics.add(counters);
    set.mem = mem;
    return register(
        slot,
        transport,
        mem,
        () -> new VirtioDeviceState.Mem("mem", slot, transport.save(), mem.save()));
  }

  /** Records a virtio device and what saves it, for snapshots; returns it with its transport. */
  private <D extends VirtioDevice> Attached<D> register(
      DeviceSlot slot,
      VirtioMmioTransport transport,
      D device,
      java.util.function.Supplier<VirtioDeviceState> saver) {
    set.virtio.add(new DeviceSet.Virtio(slot, transport, device, saver));
    return new Attached<>(device, transport);
  }

  private Serial.OutputLimiter outputLimiter(TokenBucketConfig limit) {
    if (!limit.enabled()) {
      return Serial.OutputLimiter.unlimited();
    }
    // Dropped bytes need no retry, so the limiter's "unblocked" callback has nothing to do.
    RateLimiter limiter =
        new RateLimiter(new RateLimiterConfig(limit, TokenBucketConfig.DISABLED), loop, () -> {});
    return bytes -> limiter.consume(bytes, TokenType.BYTES);
  }

  private static TapBackend openTap(NetConfig config, String hostDevName) {
    try {
      return TapBackend.open(hostDevName);
    } catch (RuntimeException e) {
      throw new MachineException(
          "host_dev_name: \""
              + hostDevName
              + "\" of "
              + config.ifaceId()
              + ": "
              + e.getMessage()
              + " (expected: a TAP device this process may open, e.g. made with `ip tuntap add"
              + " dev "
              + hostDevName
              + " mode tap`)",
          e);
    }
  }
}
