package dev.updraft.vmm.snapshot;

import dev.updraft.sys.kvm.ClockData;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.Objects;

/**
 * The VM-wide state KVM keeps in the kernel: the i8254 PIT ({@code kvm_pit_state2}), kvmclock
 * ({@code kvm_clock_data}) and the interrupt controllers ({@code kvm_irqchip} of the PIC master,
 * the PIC slave and the IOAPIC), kernel structs kept as they are.
 */
public record KvmVmState(Blob pit, ClockData clock, Blob picMaster, Blob picSlave, Blob ioapic)
    implements Encodable {
  static final int PIT_BYTES = 112;
  static final int IRQCHIP_BYTES = 520;

  public KvmVmState {
    requireBytes("pit", pit, PIT_BYTES);
    Objects.requireNonNull(clock, "clock");
    requireBytes("pic_master", picMaster, IRQCHIP_BYTES);
    requireBytes("pic_slave", picSlave, IRQCHIP_BYTES);
    requireBytes("ioapic", ioapic, IRQCHIP_BYTES);
  }

  static void requireBytes(String field, Blob blob, int bytes) {
    if (blob.length() != bytes) {
      throw new IllegalArgumentException(
          field + ": " + blob.length() + " bytes (expected: " + bytes + ")");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeBlob(pit)
        .writeLong(clock.clock())
        .writeInt(clock.flags())
        .writeLong(clock.realtime())
        .writeLong(clock.hostTsc())
        .writeBlob(picMaster)
        .writeBlob(picSlave)
        .writeBlob(ioapic);
  }

  public static KvmVmState read(StateReader in) {
    return new KvmVmState(
        in.readBlob(PIT_BYTES),
        new ClockData(in.readLong(), in.readInt(), in.readLong(), in.readLong()),
        in.readBlob(IRQCHIP_BYTES),
        in.readBlob(IRQCHIP_BYTES),
        in.readBlob(IRQCHIP_BYTES));
  }
}
