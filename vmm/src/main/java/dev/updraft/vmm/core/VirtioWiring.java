package dev.updraft.vmm.core;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.EventFd;
import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioMmioTransport;

/**
 * Puts a virtio device on the MMIO bus the way Firecracker does (device_manager/mmio.rs): a 4 KiB
 * transport at its slot, its interrupt as an irqfd on the slot's GSI, and one ioeventfd per queue
 * on QueueNotify with the queue index as datamatch, so notifications reach the event loop without a
 * vCPU exit.
 */
final class VirtioWiring {
  private VirtioWiring() {}

  static VirtioMmioTransport attach(
      KvmMachine machine, EventLoop loop, DeviceSlot slot, VirtioDevice device, String name) {
    VirtioMmioTransport transport =
        new VirtioMmioTransport(device, machine.memory(), machine.interrupt(slot.gsi()));
    machine.mmio().insert(transport, slot.base(), VirtioMmioTransport.MMIO_SIZE, name);
    for (int q = 0; q < transport.queueCount(); q++) {
      EventFd doorbell = machine.mmioDoorbell(slot.base() + VirtioMmioTransport.QUEUE_NOTIFY, 4, q);
      int queue = q;
      loop.register(
          doorbell.fd(),
          Epoll.EPOLLIN,
          ready -> {
            doorbell.tryRead();
            transport.notifyQueue(queue);
          });
    }
    return transport;
  }
}
