package dev.updraft.vmm;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.SnapshotType;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmExit;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A microVM running in this JVM: the embedding API of {@code updraft vm} (docs/vmm/embedding.md).
 * {@link #builder()} configures and boots one; {@link #restore(Path, Path)} loads a snapshot into
 * this process, which needs no new JVM: the memory file is mapped and the vCPU and device state
 * set. Each VM has its own vCPU threads and device thread; a guest that crashes ends its own VM
 * only.
 *
 * <p>The methods are thread-safe and run one at a time. Failures are unchecked exceptions whose
 * message says what is wrong ({@code VmStartException}, {@code VmSnapshotException}, {@code
 * ConfigException} for a bad value, naming the field).
 */
public final class MicroVm implements AutoCloseable {
  private final RunningVm vm;
  private final VmResources resources;
  private boolean paused;

  MicroVm(RunningVm vm, VmResources resources, boolean paused) {
    this.vm = Objects.requireNonNull(vm, "vm");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.paused = paused;
  }

  /** Starts the configuration of a VM to boot. */
  public static MicroVmBuilder builder() {
    return new MicroVmBuilder();
  }

  /**
   * Starts the configuration of a VM restored from a snapshot ({@link #snapshot}, or Firecracker's
   * {@code PUT /snapshot/create} of any process) into this process.
   *
   * @param snapshotFile the state file
   * @param memoryFile the memory file, mapped copy-on-write (it is not changed)
   */
  public static MicroVmRestore restore(Path snapshotFile, Path memoryFile) {
    return new MicroVmRestore(snapshotFile, memoryFile);
  }

  /** Stops the vCPUs; returns once none runs guest code. */
  public synchronized void pause() {
    vm.pause();
    paused = true;
  }

  /** Lets the vCPUs run again. */
  public synchronized void resume() {
    vm.resume();
    paused = false;
  }

  public synchronized boolean isPaused() {
    return paused;
  }

  /**
   * Writes a full snapshot: the state file and the memory file. The VM must be paused, and stays
   * paused.
   *
   * @throws dev.updraft.vmm.runtime.VmSnapshotException if it runs or a file cannot be written
   */
  public synchronized void snapshot(Path snapshotFile, Path memoryFile) {
    vm.createSnapshot(new SnapshotCreate(SnapshotType.FULL, snapshotFile, memoryFile), resources);
  }

  /**
   * Opens a stream to a program listening on vsock port {@code guestPort} in the guest.
   *
   * @throws IllegalStateException if the VM has no vsock device
   * @throws IOException if nothing listens there or the device's socket cannot be reached
   */
  public SocketChannel connect(int guestPort) throws IOException {
    if (resources.vsock() == null) {
      throw new IllegalStateException("vsock: not configured (expected: a vsock device)");
    }
    return VsockConnector.connect(resources.vsock().udsPath(), guestPort);
  }

  /** Completes once, when the guest has ended (reset, triple fault, crash) or the VM was closed. */
  public CompletionStage<VmExit> exit() {
    return vm.exit();
  }

  /**
   * Waits for the guest to end.
   *
   * @throws TimeoutException if it still runs after {@code timeout}
   */
  public VmExit awaitExit(long timeout, TimeUnit unit)
      throws InterruptedException, TimeoutException {
    try {
      return vm.exit().toCompletableFuture().get(timeout, unit);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the VM failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** What the VM was built from (for a restored VM: what the snapshot described). */
  public VmResources resources() {
    return resources;
  }

  /** Stops the VM and releases its memory, threads and files; idempotent. */
  @Override
  public synchronized void close() {
    vm.stop();
  }
}
