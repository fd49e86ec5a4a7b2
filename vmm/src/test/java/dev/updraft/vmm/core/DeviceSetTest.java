package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.vsock.HostStream;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import dev.updraft.vmm.virtio.vsock.VsockHost;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class DeviceSetTest {
  @Test
  void aVmWithVsockIsNotSnapshottedWithoutIt() {
    DeviceSet devices = new DeviceSet();
    devices.vsock = new VirtioVsock(3, new IdleHost(), new Counters("vsock"));
    assertThatThrownBy(devices::save)
        .isInstanceOf(MachineException.class)
        .hasMessageStartingWith("vsock: the VM has a vsock device (expected: none;");
  }

  /** A host nobody connects to: the device is never activated here. */
  private static final class IdleHost implements VsockHost {
    @Override
    public void listen(Runnable onConnection) {}

    @Override
    public void stopListening() {}

    @Override
    public HostStream accept() {
      return null;
    }

    @Override
    public HostStream connect(long port) {
      throw new UnsupportedOperationException("connect");
    }

    @Override
    public void watch(HostStream stream, int interest, IntConsumer onReady) {}

    @Override
    public void schedule(Duration delay, Runnable task) {}

    @Override
    public long nanoTime() {
      return 0;
    }
  }
}
