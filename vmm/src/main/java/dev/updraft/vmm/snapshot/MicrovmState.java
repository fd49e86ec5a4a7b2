package dev.updraft.vmm.snapshot;

import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.List;
import java.util.Objects;

/**
 * Everything a state file holds (Firecracker's {@code MicrovmState}): the configuration, the guest
 * memory's regions (the memory file holds them one after the other), KVM's VM-wide state, each vCPU
 * and each device.
 */
public record MicrovmState(
    VmConfig config,
    List<MemoryRegion> memory,
    KvmVmState vm,
    List<VcpuState> vcpus,
    DevicesState devices)
    implements Encodable {
  private static final int MAX_REGIONS = 8;
  private static final int MAX_VCPUS = 32;

  public MicrovmState {
    Objects.requireNonNull(config, "config");
    memory = MemoryRegion.sortedDisjoint(memory);
    if (memory.isEmpty()) {
      throw new IllegalArgumentException("memory: no regions (expected: at least one)");
    }
    Objects.requireNonNull(vm, "vm");
    vcpus = List.copyOf(vcpus);
    if (vcpus.size() != config.machine().vcpuCount()) {
      throw new IllegalArgumentException(
          "vcpus: "
              + vcpus.size()
              + " (expected: the "
              + config.machine().vcpuCount()
              + " of vcpu_count)");
    }
    Objects.requireNonNull(devices, "devices");
  }

  /** The same state with another configuration (a load's overrides applied). */
  public MicrovmState withConfig(VmConfig newConfig) {
    return new MicrovmState(newConfig, memory, vm, vcpus, devices);
  }

  /** The bytes of guest memory, the memory file's size. */
  public long memoryBytes() {
    return memory.stream().mapToLong(MemoryRegion::size).sum();
  }

  @Override
  public void write(StateWriter out) {
    out.write(config);
    out.writeList(memory, (w, r) -> w.writeLong(r.start()).writeLong(r.size()));
    out.write(vm);
    out.writeList(vcpus, StateWriter::write);
    out.write(devices);
  }

  public static MicrovmState read(StateReader in) {
    VmConfig config = in.section("configuration", VmConfig::read);
    List<MemoryRegion> memory =
        in.readList(MAX_REGIONS, r -> new MemoryRegion(r.readLong(), r.readLong()));
    KvmVmState vm = in.section("vm", KvmVmState::read);
    int[] index = {0};
    List<VcpuState> vcpus =
        in.readList(MAX_VCPUS, r -> r.section("vcpu " + index[0]++, VcpuState::read));
    DevicesState devices = in.section("devices", DevicesState::read);
    return new MicrovmState(config, memory, vm, vcpus, devices);
  }
}
