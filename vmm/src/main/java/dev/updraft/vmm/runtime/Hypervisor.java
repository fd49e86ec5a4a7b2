package dev.updraft.vmm.runtime;

import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;

/**
 * Builds and boots a microVM. The API layer calls {@link #start} exactly once per process, on
 * {@code InstanceStart} (or at once with {@code --config-file}), from the single thread that
 * handles API requests; nothing else of the VMM runs while it does.
 */
public interface Hypervisor {
  /**
   * Builds the microVM from validated resources and starts its vCPUs; returns once it runs.
   *
   * <p>{@code resources} is complete and consistent: a boot source is present, the drive list has
   * the root device (if any) first, ids, host device names and MAC addresses are unique, and every
   * file named by a path existed when it was configured. What only the hypervisor can check (the
   * kernel image format, KVM capabilities, TAP devices, memory) fails with a {@link
   * VmStartException} whose message the API returns as the fault message.
   *
   * @param resources what to build
   * @param log where the hypervisor and its devices log (the process's configured logger)
   * @return the running VM
   * @throws VmStartException if the VM cannot be built or started; nothing is left running
   */
  RunningVm start(VmResources resources, VmLogger log) throws VmStartException;

  /**
   * Sets the seccomp filters {@link #start} installs: the process-wide one and the vCPU threads'
   * before the guest runs, then {@code callerKind}'s on the calling thread once the VM runs. A
   * hypervisor that runs no guest code (a test double) ignores them.
   */
  default void confine(SeccompFilters filters, ThreadKind callerKind) {}

  /**
   * {@code PUT /snapshot/load}: builds the microVM a snapshot describes, on its memory, paused, and
   * resumes it if the request says so. Called at most once per process, before any configuration
   * but the logger, metrics and serial output, from the API's thread.
   *
   * @param request the load request, validated
   * @param current the resources configured so far (serial output, boot timer flag)
   * @param log where the hypervisor and its devices log
   * @throws VmSnapshotException if the snapshot cannot be loaded; nothing is left running
   */
  RestoredVm restore(SnapshotLoad request, VmResources current, VmLogger log)
      throws VmSnapshotException;
}
