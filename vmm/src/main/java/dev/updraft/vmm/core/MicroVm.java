package dev.updraft.vmm.core;

import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.snapshot.DevicesState;
import dev.updraft.vmm.vcpu.VcpuStop;
import dev.updraft.vmm.virtio.balloon.VirtioBalloon;
import dev.updraft.vmm.virtio.block.VirtioBlock;
import dev.updraft.vmm.virtio.mem.VirtioMem;
import dev.updraft.vmm.virtio.net.VirtioNet;
import dev.updraft.vmm.virtio.pmem.VirtioPmem;
import dev.updraft.vmm.virtio.vsock.VirtioVsock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A built microVM: the machine with its devices wired, the kernel loaded and the vCPUs set to the
 * entry state. {@link #start()} runs it; it ends when the guest resets or powers off, when a vCPU
 * fails, or on {@link #close()}.
 */
public final class MicroVm implements AutoCloseable {
  /** How long the device thread may take for anything but a snapshot (which may be gigabytes). */
  private static final Duration DEVICE_TASK_TIMEOUT = Duration.ofSeconds(5);

  private final KvmMachine machine;
  private final EventLoop loop;
  private final Thread loopThread;
  private final DeviceSet devices;
  private final List<Counters> metrics;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private MicroVm(KvmMachine machine, EventLoop loop, Thread loopThread, DeviceSet devices) {
    this.machine = machine;
    this.loop = loop;
    this.loopThread = loopThread;
    this.devices = devices;
    this.metrics = List.copyOf(devices.metrics);
  }

  /** A VM whose machine and devices are built: starts its device thread; the vCPUs wait. */
  static MicroVm running(KvmMachine machine, EventLoop loop, DeviceSet devices) {
    Thread loopThread = Thread.ofPlatform().name("fc_vmm").daemon().start(loop::run);
    return new MicroVm(machine, loop, loopThread, devices);
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
    machine.start(false, () -> filters.installOnCurrentThread(ThreadKind.VCPU));
  }

  /** The same with the vCPU threads parked: a restored VM runs on {@link #resume()}. */
  public void startPaused(SeccompFilters filters) {
    filters.installProcessWide();
    machine.start(true, () -> filters.installOnCurrentThread(ThreadKind.VCPU));
  }

  public void pause() throws InterruptedException {
    machine.pause();
  }

  public void resume() {
    machine.resume();
  }

  /** Queues Ctrl-Alt-Del on the i8042; false if its buffer is full. */
  public boolean sendCtrlAltDel() {
    return devices.i8042.sendCtrlAltDel();
  }

  /** The virtio-blk device of drive {@code driveId}, for runtime updates (PATCH /drives). */
  public Optional<VirtioBlock> drive(String driveId) {
    return Optional.ofNullable(devices.blocks.get(driveId));
  }

  /** The virtio-net device of interface {@code ifaceId} (PATCH /network-interfaces). */
  public Optional<VirtioNet> network(String ifaceId) {
    return Optional.ofNullable(devices.nets.get(ifaceId));
  }

  /** The pmem device with this id, if the VM has one. */
  public Optional<VirtioPmem> pmem(String id) {
    return Optional.ofNullable(devices.pmem.get(id));
  }

  /**
   * The configurations of the pmem devices, in slot order (a restored VM's come from its state).
   */
  public List<dev.updraft.vmm.config.PmemConfig> pmemConfigs() {
    return List.copyOf(devices.pmemConfigs.values());
  }

  /** The virtio-vsock device, if the VM has one. */
  public Optional<VirtioVsock> vsock() {
    return Optional.ofNullable(devices.vsock);
  }

  /** The virtio-mem device, if the VM has one. */
  public Optional<VirtioMem> mem() {
    return Optional.ofNullable(devices.mem);
  }

  /** The balloon device, if the VM has one. */
  public Optional<VirtioBalloon> balloon() {
    return Optional.ofNullable(devices.balloon);
  }

  /** Runs {@code task} on the device thread and waits for it, so updates see devices at rest. */
  public <T> T onDeviceThread(java.util.function.Supplier<T> task) {
    return onDeviceThread(task, DEVICE_TASK_TIMEOUT);
  }

  /** The same with a time limit of its own (a snapshot writes the whole memory). */
  public <T> T onDeviceThread(java.util.function.Supplier<T> task, Duration timeout) {
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
      return result.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new MachineException("update", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MachineException("interrupted while updating a device", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MachineException(
          "the device thread did not answer within " + timeout.toMillis() + " ms", e);
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

  /** Every device's state; on the device thread, with the vCPUs paused. */
  DevicesState saveDevices() {
    return devices.save();
  }

  /**
   * After a restore, lets every virtio device look at its queues once (on the device thread), so
   * nothing the snapshot caught in flight waits for a notification that already came. Then the
   * vsock device tells its guest that the transport was reset (the guest's connections were to host
   * sockets of another process; it closes them, its listeners stay), as Firecracker's guest learns
   * on its first run after a load; until the guest takes the event nothing else reaches it.
   */
  void resumeDevicesAfterRestore() {
    loop.execute(
        () -> {
          devices.virtio.forEach(v -> v.device().resumeAfterRestore());
          if (devices.vsock != null) {
            devices.vsock.transportReset();
          }
        });
  }

  /** Closes {@code resource} with the VM (a restore's userfaultfd hand-over). */
  void closeWith(AutoCloseable resource) {
    devices.resources.add(resource);
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
    close(PhaseLog.start());
  }

  /**
   * Closes the VM, marking its phases in {@code phases} (vcpus_stopped, device_thread, devices and
   * the machine's); false if it was closed already.
   */
  public boolean close(PhaseLog phases) {
    if (!closed.compareAndSet(false, true)) {
      return false; // the API's shutdown and a JVM shutdown hook may both get here
    }
    try {
      machine.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    phases.mark("vcpus_stopped");
    loop.stop();
    try {
      loopThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    phases.mark("device_thread");
    loop.close();
    closeAll(devices.resources);
    phases.mark("devices");
    machine.close(phases);
    return true;
  }
}
