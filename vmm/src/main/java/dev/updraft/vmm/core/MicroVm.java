package dev.updraft.vmm.core;

import dev.updraft.vmm.devices.I8042;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.vcpu.VcpuStop;
import dev.updraft.vmm.virtio.block.VirtioBlock;
import dev.updraft.vmm.virtio.net.VirtioNet;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A built microVM: the machine with its devices wired, the kernel loaded and the vCPUs set to the
 * entry state. {@link #start()} runs it; it ends when the guest resets or powers off, when a vCPU
 * fails, or on {@link #close()}.
 */
public final class MicroVm implements AutoCloseable {
  private final KvmMachine machine;
  private final EventLoop loop;
  private final Thread loopThread;
  private final I8042 i8042;
  private final Map<String, VirtioBlock> blocks;
  private final Map<String, VirtioNet> nets;
  private final VirtioVsock vsock;
  private final List<Counters> metrics;
  private final List<AutoCloseable> resources;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  MicroVm(
      KvmMachine machine,
      EventLoop loop,
      Thread loopThread,
      I8042 i8042,
      Map<String, VirtioBlock> blocks,
      Map<String, VirtioNet> nets,
      VirtioVsock vsock,
      List<Counters> metrics,
      List<AutoCloseable> resources) {
    this.machine = machine;
    this.loop = loop;
    this.loopThread = loopThread;
    this.i8042 = i8042;
    this.blocks = Map.copyOf(blocks);
    this.nets = Map.copyOf(nets);
    this.vsock = vsock;
    this.metrics = List.copyOf(metrics);
    this.resources = new ArrayList<>(resources);
  }

  /** Starts the vCPUs; only the boot CPU runs from the entry point, the others wait for SIPI. */
  public void start() {
    machine.start();
  }

  /**
   * Starts the vCPUs under seccomp: the process-wide {@code vmm} filter first, then the {@code
   * vcpu} filter on each vCPU thread before it enters the guest.
   */
  public void start(SeccompFilters filters) {
    filters.installProcessWide();
    machine.start(() -> filters.installOnCurrentThread(ThreadKind.VCPU));
  }

  public void pause() throws InterruptedException {
    machine.pause();
  }

  public void resume() {
    machine.resume();
  }

  /** Queues Ctrl-Alt-Del on the i8042; false if its buffer is full. */
  public boolean sendCtrlAltDel() {
    return i8042.sendCtrlAltDel();
  }

  /** The virtio-blk device of drive {@code driveId}, for runtime updates (PATCH /drives). */
  public Optional<VirtioBlock> drive(String driveId) {
    return Optional.ofNullable(blocks.get(driveId));
  }

  /** The virtio-net device of interface {@code ifaceId} (PATCH /network-interfaces). */
  public Optional<VirtioNet> network(String ifaceId) {
    return Optional.ofNullable(nets.get(ifaceId));
  }

  /** The virtio-vsock device, if the VM has one. */
  public Optional<VirtioVsock> vsock() {
    return Optional.ofNullable(vsock);
  }

  /** Runs {@code task} on the device thread and waits for it, so updates see devices at rest. */
  public <T> T onDeviceThread(java.util.function.Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            result.complete(task.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new MachineException("update", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MachineException("interrupted while updating a device", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MachineException("the device thread did not answer within 5 s", e);
    }
  }

  /** Completes when the VM ended, with the reason. */
  public CompletionStage<VcpuStop> stopped() {
    return machine.stopped();
  }

  /** The device and vCPU metric groups (uart, i8042, vcpu, block_..., net_..., entropy). */
  public List<Counters> metrics() {
    return metrics;
  }

  public KvmMachine machine() {
    return machine;
  }

  /** Closes device resources newest first; a failure to close one does not keep the rest open. */
  static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources.reversed()) {
      try {
        r.close();
      } catch (Exception ignored) {
        // Closing a device's file or TAP at shutdown; nothing useful can be done with a failure.
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // the API's shutdown and a JVM shutdown hook may both get here
    }
    try {
      machine.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.stop();
    try {
      loopThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.close();
    closeAll(resources);
    machine.close();
  }
}
