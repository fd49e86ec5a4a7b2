package dev.updraft.vmm.boot;

import static dev.updraft.vmm.testing.GuestBytes.ascii;
import static dev.updraft.vmm.testing.GuestBytes.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.SystemMemory;
import dev.updraft.vmm.memory.HeapGuestMemory;
import org.junit.jupiter.api.Test;

class MpTableTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(16 << 20));

  @Test
  void placesTheFloatingPointerWhereLinuxScansAndChecksumsBothParts() {
    long address = MpTable.write(memory, new SystemMemory(), 4);

    assertThat(address).isEqualTo(0x9FC00);
    assertThat(ascii(memory, address, 4)).isEqualTo("_MP_");
    assertThat(sum(memory, address, 16)).isZero();
    long table = Integer.toUnsignedLong(memory.readInt(address + 4));
    assertThat(table).isEqualTo(address + 16);
    assertThat(ascii(memory, table, 4)).isEqualTo("PCMP");
    int length = Short.toUnsignedInt(memory.readShort(table + 4));
    assertThat(length).isEqualTo(MpTable.size(4) - 16);
    assertThat(sum(memory, table, length)).isZero();
    assertThat(memory.readShort(table + 34)).isEqualTo((short) (4 + 2 + 24 + 2));
    assertThat(memory.readInt(table + 36)).isEqualTo(0xFEE00000);
  }

  @Test
  void listsEveryCpuTheIoapicAndTheLocalInterrupts() {
    long table = MpTable.write(memory, new SystemMemory(), 2) + 16;

    long cpus = table + 44;
    assertThat(memory.readByte(cpus + 1)).isEqualTo((byte) 0); // APIC id
    assertThat(memory.readByte(cpus + 3)).isEqualTo((byte) 3); // enabled + BSP
    assertThat(memory.readByte(cpus + 20 + 1)).isEqualTo((byte) 1);
    assertThat(memory.readByte(cpus + 20 + 3)).isEqualTo((byte) 1); // enabled
    long bus = cpus + 40;
    assertThat(ascii(memory, bus + 2, 6)).isEqualTo("ISA   ");
    long ioapic = bus + 8;
    assertThat(memory.readByte(ioapic)).isEqualTo((byte) 2);
    assertThat(memory.readByte(ioapic + 1)).isEqualTo((byte) 3); // vcpus + 1
    assertThat(memory.readInt(ioapic + 4)).isEqualTo(0xFEC00000);
    long irq7 = ioapic + 8 + 7 * 8;
    assertThat(memory.readByte(irq7 + 5)).isEqualTo((byte) 7);
    assertThat(memory.readByte(irq7 + 7)).isEqualTo((byte) 7);
    long lint = ioapic + 8 + 24 * 8;
    assertThat(memory.readByte(lint + 1)).isEqualTo((byte) 3); // ExtINT on LINT0
    assertThat(memory.readByte(lint + 8 + 1)).isEqualTo((byte) 1); // NMI
    assertThat(memory.readByte(lint + 8 + 6)).isEqualTo((byte) 0xFF);
    assertThat(memory.readByte(lint + 8 + 7)).isEqualTo((byte) 1); // LINT1
  }

  @Test
  void rejectsVcpuCountsFirecrackerDoesNotSupport() {
    assertThatThrownBy(() -> MpTable.write(memory, new SystemMemory(), 33))
        .hasMessage("vcpus: 33 (expected: 1..32)");
  }
}
