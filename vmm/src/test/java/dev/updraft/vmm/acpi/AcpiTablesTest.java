package dev.updraft.vmm.acpi;

import static dev.updraft.vmm.testing.GuestBytes.ascii;
import static dev.updraft.vmm.testing.GuestBytes.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.GsiAllocator;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.MmioAllocator;
import dev.updraft.vmm.arch.SystemMemory;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcpiTablesTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(64 << 20));
  private final MmioAllocator mmio = new MmioAllocator(new GsiAllocator());
  private final List<DeviceSlot> devices = List.of(mmio.allocate(), mmio.allocate());

  @Test
  void everyTableChecksumsAndTheRootPointsAtTheRest() {
    AcpiTableAddresses at = AcpiTables.write(memory, new SystemMemory(), 3, devices);

    assertThat(at.rsdp()).isEqualTo(0xE0000);
    assertThat(at.dsdt()).isEqualTo(0x9FC00);
    assertThat(ascii(memory, at.rsdp(), 8)).isEqualTo("RSD PTR ");
    assertThat(sum(memory, at.rsdp(), 20)).isZero();
    assertThat(sum(memory, at.rsdp(), 36)).isZero();
    assertThat(memory.readByte(at.rsdp() + 15)).isEqualTo((byte) 2); // revision
    assertThat(memory.readLong(at.rsdp() + 24)).isEqualTo(at.xsdt());
    for (long table : new long[] {at.xsdt(), at.dsdt(), at.fadt(), at.madt(), at.mcfg()}) {
      assertThat(sum(memory, table, memory.readInt(table + 4)))
          .as("checksum at %x", table)
          .isZero();
      assertThat(ascii(memory, table + 10, 6)).isEqualTo("FIRECK");
    }
    assertThat(memory.readInt(at.xsdt() + 4)).isEqualTo(36 + 3 * 8);
    assertThat(memory.readLong(at.xsdt() + 36)).isEqualTo(at.fadt());
    assertThat(memory.readLong(at.xsdt() + 44)).isEqualTo(at.madt());
    assertThat(memory.readLong(at.xsdt() + 52)).isEqualTo(at.mcfg());
    assertThat(at.fadt()).isEqualTo(at.dsdt() + memory.readInt(at.dsdt() + 4));
  }

  @Test
  void fadtDescribesAHardwareReducedPlatform() {
    AcpiTableAddresses at = AcpiTables.write(memory, new SystemMemory(), 1, devices);

    long fadt = at.fadt();
    assertThat(ascii(memory, fadt, 4)).isEqualTo("FACP");
    assertThat(memory.readInt(fadt + 4)).isEqualTo(276);
    assertThat(memory.readByte(fadt + 8)).isEqualTo((byte) 6);
    assertThat(memory.readByte(fadt + 131)).isEqualTo((byte) 5);
    assertThat(ascii(memory, fadt + 16, 8)).isEqualTo("FCVMFADT");
    assertThat(memory.readInt(fadt + 40)).isZero(); // no 32-bit DSDT pointer
    assertThat(memory.readLong(fadt + 140)).isEqualTo(at.dsdt());
    assertThat(memory.readInt(fadt + 112)).isEqualTo((1 << 20) | (1 << 4) | (1 << 5));
    assertThat(memory.readShort(fadt + 109)).isEqualTo((short) 4);
    assertThat(ascii(memory, fadt + 268, 8)).isEqualTo("FIRECKVM");
  }

  @Test
  void madtListsTheIoapicAndOneEnabledLapicPerVcpu() {
    long madt = AcpiTables.write(memory, new SystemMemory(), 3, devices).madt();

    assertThat(memory.readInt(madt + 4)).isEqualTo(44 + 12 + 3 * 8);
    assertThat(memory.readInt(madt + 36)).isEqualTo(0xFEE00000);
    assertThat(memory.readInt(madt + 40)).isZero(); // no PCAT_COMPAT
    assertThat(memory.readByte(madt + 44)).isEqualTo((byte) 1);
    assertThat(memory.readInt(madt + 48)).isEqualTo(0xFEC00000);
    for (int cpu = 0; cpu < 3; cpu++) {
      long lapic = madt + 56 + cpu * 8L;
      assertThat(memory.readByte(lapic)).isZero();
      assertThat(memory.readByte(lapic + 2)).isEqualTo((byte) cpu);
      assertThat(memory.readByte(lapic + 3)).isEqualTo((byte) cpu);
      assertThat(memory.readInt(lapic + 4)).isEqualTo(1);
    }
  }

  @Test
  void mcfgAnnouncesTheEcamWindow() {
    long mcfg = AcpiTables.write(memory, new SystemMemory(), 1, devices).mcfg();

    assertThat(memory.readInt(mcfg + 4)).isEqualTo(60);
    assertThat(memory.readLong(mcfg + 44)).isEqualTo(0xEEC0_0000L);
    assertThat(memory.readByte(mcfg + 55)).isZero(); // end bus
  }

  @Test
  void dsdtNamesEachVirtioDeviceByItsGsi() {
    byte[] dsdt = Dsdt.build(devices);
    String text = new String(dsdt, StandardCharsets.ISO_8859_1);

    assertThat(text).contains("V000", "V001", "LNRO0005", "COM1", "PS2_", "_CCA");
    byte[] v001 = Dsdt.virtio(devices.get(1));
    assertThat(v001[0]).isEqualTo((byte) 0x5B);
    assertThat(new String(v001, StandardCharsets.ISO_8859_1))
        .contains("_SB_V001")
        .contains(
            new String(
                new byte[] {(byte) 0x86, 9, 0, 1, 0, 0x20, 0, (byte) 0xC0},
                StandardCharsets.ISO_8859_1));
  }

  @Test
  void rejectsVcpuCountsFirecrackerDoesNotSupport() {
    assertThatThrownBy(() -> Madt.build(0)).hasMessage("vcpus: 0 (expected: 1..32)");
  }
}
