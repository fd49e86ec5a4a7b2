package dev.updraft.vmm.core;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.snapshot.DevicesState;
import dev.updraft.vmm.snapshot.KvmVmState;
import dev.updraft.vmm.snapshot.MemoryFile;
import dev.updraft.vmm.snapshot.MicrovmState;
import dev.updraft.vmm.snapshot.SnapshotFile;
import dev.updraft.vmm.snapshot.VcpuState;
import dev.updraft.vmm.snapshot.VmConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a snapshot of a paused microVM (Firecracker's create_snapshot): on the device thread, so no
 * device event changes memory or a device meanwhile, it saves the devices (before KVM's state, so
 * an interrupt a device raises while saving is in the interrupt controllers' state), the vCPUs, the
 * VM-wide KVM state, writes the state file and then the memory file.
 */
final class SnapshotWriter {
  // Writing gigabytes of memory to a slow disk takes minutes; the API waits as Firecracker does.
  private static final Duration LIMIT = Duration.ofMinutes(30);

  private SnapshotWriter() {}

  /** Returns the number of memory pages written (all of them for a full snapshot). */
  static long write(MicroVm vm, SnapshotCreate request, VmConfig config) {
    return vm.onDeviceThread(
        () -> {
          KvmMachine machine = vm.machine();
          DevicesState devices = vm.saveDevices();
          List<VcpuState> vcpus = machine.saveVcpus();
          KvmVmState kvm = machine.saveVm();
          MappedGuestMemory memory = machine.memory();
          MicrovmState state = new MicrovmState(config, memory.regions(), kvm, vcpus, devices);
          SnapshotFile.write(request.snapshotPath(), state);
          return switch (request.type()) {
            case FULL -> {
              MemoryFile.writeFull(request.memFilePath(), memory);
              machine.clearDirtyPages();
              yield state.memoryBytes() / dev.updraft.sys.MappedMemory.PAGE_SIZE;
            }
            case DIFF -> writeDiff(machine, request);
          };
        },
        LIMIT);
  }

  private static long writeDiff(KvmMachine machine, SnapshotCreate request) {
    MappedGuestMemory memory = machine.memory();
    List<long[]> dirty = new ArrayList<>();
    for (int slot = 0; slot < memory.regions().size(); slot++) {
      dirty.add(machine.dirtyPages(slot));
    }
    try {
      return MemoryFile.writeDiff(request.memFilePath(), memory, dirty);
    } catch (RuntimeException e) {
      // Reading the log cleared it: keep the pages for the next diff, as Firecracker does.
      for (int slot = 0; slot < dirty.size(); slot++) {
        memory.rememberWritten(slot, dirty.get(slot));
      }
      throw e;
    }
  }
}
