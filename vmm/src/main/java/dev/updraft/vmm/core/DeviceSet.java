package dev.updraft.vmm.core;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.devices.I8042;
import dev.updraft.vmm.devices.Serial;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.snapshot.DevicesState;
import dev.updraft.vmm.snapshot.VirtioDeviceState;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import dev.updraft.vmm.virtio.balloon.VirtioBalloon;
import dev.updraft.vmm.virtio.block.VirtioBlock;
import dev.updraft.vmm.virtio.mem.VirtioMem;
import dev.updraft.vmm.virtio.net.VirtioNet;
import dev.updraft.vmm.virtio.pmem.VirtioPmem;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A microVM's devices as the core keeps them: by id for the API's updates, their metric groups, the
 * resources to close, and for snapshots each device with what saves it. The builder and the
 * restorer fill it through {@link DeviceWiring}; nothing changes it once the VM runs.
 */
final class DeviceSet {
  /** A virtio device at its slot, with what turns it into its snapshot entry. */
  record Virtio(
      DeviceSlot slot,
      VirtioMmioTransport transport,
      VirtioDevice device,
      Supplier<VirtioDeviceState> saver) {}

  final List<Counters> metrics = new ArrayList<>();
  final List<AutoCloseable> resources = new ArrayList<>();
  final Map<String, VirtioBlock> blocks = new LinkedHashMap<>();
  final Map<String, VirtioNet> nets = new LinkedHashMap<>();
  final Map<String, VirtioPmem> pmem = new LinkedHashMap<>();
  final Map<String, PmemConfig> pmemConfigs = new LinkedHashMap<>();
  final List<Virtio> virtio = new ArrayList<>();
  Serial serial;
  I8042 i8042;
  VirtioVsock vsock;
  VirtioBalloon balloon;
  VirtioMem mem;
  boolean bootTimer;

  /** Every device's state; call with the vCPUs paused, on the device thread. */
  DevicesState save() {
    if (mem != null && mem.status().pluggedSizeMib() > 0) {
      // The memory file holds RAM only: what the guest wrote to plugged blocks would be lost.
      throw new MachineException(
          "memory-hotplug: "
              + mem.status().pluggedSizeMib()
              + " MiB plugged (expected: none; snapshots of plugged memory are not supported"
              + " yet)");
    }
    return new DevicesState(
        serial.save(), i8042.save(), bootTimer, virtio.stream().map(v -> v.saver().get()).toList());
  }
}
