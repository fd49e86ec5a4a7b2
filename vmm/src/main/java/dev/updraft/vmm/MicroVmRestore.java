package dev.updraft.vmm;

import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.RestoredVm;
import dev.updraft.vmm.runtime.VmLogger;
import dev.updraft.vmm.seccomp.SeccompFilters;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot to load into this process, as {@code PUT /snapshot/load} with a {@code File} memory
 * backend: {@link #load()} maps the memory file, sets the vCPU and device state and starts the vCPU
 * threads, paused unless {@link #resume(boolean)} says otherwise. No process or JVM starts.
 */
public final class MicroVmRestore {
  private final Path snapshotFile;
  private final Path memoryFile;
  private String id = "restored";
  private boolean resume = true;
  private Path vsockPath;
  private VmResources current = VmResources.defaults();
  private SeccompFilters seccomp = SeccompFilters.none();
  private VmLogger log;

  MicroVmRestore(Path snapshotFile, Path memoryFile) {
    this.snapshotFile = Objects.requireNonNull(snapshotFile, "snapshotFile");
    this.memoryFile = Objects.requireNonNull(memoryFile, "memoryFile");
  }

  public MicroVmRestore id(String id) {
    this.id = Objects.requireNonNull(id, "id");
    return this;
  }

  /** Whether the guest runs at once (the default) or waits, paused, for {@link MicroVm#resume}. */
  public MicroVmRestore resume(boolean resume) {
    this.resume = resume;
    return this;
  }

  /** Appends the restored guest's serial console to {@code file}; by default stdout. */
  public MicroVmRestore console(Path file) {
    current = current.withSerial(new SerialConfig(file, null));
    return this;
  }

  /**
   * Another path for the vsock device's Unix socket (Firecracker's {@code vsock_override}): the
   * snapshot's own path is still taken by the VM it came from, if that one runs.
   */
  public MicroVmRestore vsockPath(Path udsPath) {
    this.vsockPath = udsPath;
    return this;
  }

  public MicroVmRestore seccomp(SeccompFilters filters) {
    this.seccomp = Objects.requireNonNull(filters, "filters");
    return this;
  }

  public MicroVmRestore log(VmLogger log) {
    this.log = log;
    return this;
  }

  /**
   * Restores the VM.
   *
   * @throws dev.updraft.vmm.runtime.VmSnapshotException if the snapshot cannot be loaded
   */
  public MicroVm load() {
    SnapshotLoad request =
        new SnapshotLoad(
            snapshotFile,
            new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, memoryFile),
            false,
            resume,
            List.of(),
            vsockPath == null ? null : new SnapshotLoad.VsockOverride(vsockPath.toString()),
            false,
            SnapshotLoad.LoadHugePages.SNAPSHOT);
    VmLogger logger = log != null ? log : SystemLog.named(id);
    RestoredVm restored = MicroVmBuilder.hypervisor(seccomp).restore(request, current, logger);
    return new MicroVm(restored.vm(), restored.resources(), !resume);
  }
}
