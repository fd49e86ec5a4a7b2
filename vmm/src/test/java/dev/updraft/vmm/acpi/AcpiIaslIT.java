package dev.updraft.vmm.acpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.GsiAllocator;
import dev.updraft.vmm.arch.MmioAllocator;
import dev.updraft.vmm.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hands our tables to ACPICA's disassembler, the same parser Linux runs: each must decode without a
 * warning, and the DSDT must compile back with iasl to exactly the AML we wrote.
 */
@NeedsProgram(value = "iasl", debian = "acpica-tools")
class AcpiIaslIT {
  @TempDir Path dir;

  @Test
  void dsdtDisassemblesToEveryDeviceAndCompilesBackToTheSameAml() throws Exception {
    MmioAllocator mmio = new MmioAllocator(new GsiAllocator());
    List<DeviceSlot> devices = List.of(mmio.allocate(), mmio.allocate(), mmio.allocate());
    byte[] dsdt = Dsdt.build(devices);

    String dsl = disassemble("dsdt", dsdt);

    assertThat(dsl)
        .contains("DefinitionBlock (\"\", \"DSDT\", 2, \"FIRECK\", \"FCVMDSDT\", 0x00000000)")
        .contains("Device (_SB.V000)", "Device (_SB.V001)", "Device (_SB.V002)")
        .contains("Name (_HID, \"LNRO0005\")", "Name (_CCA, One)")
        .contains("0xC0003000,         // Address Base")
        .contains("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )")
        .contains("0x00000007,")
        .contains("Device (_SB.COM1)", "EisaId (\"PNP0501\")", "Name (_DDN, \"COM1\")")
        .contains("0x03F8,             // Range Minimum", "0x08,               // Length")
        .contains("Device (_SB.PS2)", "EisaId (\"PNP0303\")", "Return (0x0F)")
        .contains("0x0064,             // Range Minimum");
    Command compile = Command.run(dir, "iasl", "-p", "recompiled", "dsdt.dsl");
    assertThat(compile.exitCode()).as(compile.output()).isZero();
    assertThat(compile.output()).contains("0 Errors, 0 Warnings");
    byte[] recompiled = Files.readAllBytes(dir.resolve("recompiled.aml"));
    // Only the header's compiler id, revision and checksum may differ.
    assertThat(Arrays.copyOfRange(recompiled, Sdt.HEADER_SIZE, recompiled.length))
        .isEqualTo(Arrays.copyOfRange(dsdt, Sdt.HEADER_SIZE, dsdt.length));
  }

  @Test
  void fadtDecodesAsHardwareReducedWithTheDsdtPointer() throws Exception {
    String dsl = disassemble("fadt", Fadt.build(0x9FC00));

    assertThat(dsl)
        .contains("Signature : \"FACP\"")
        .contains("Revision : 06")
        .contains("FADT Minor Revision : 05")
        .containsPattern("Hardware Reduced \\(V5\\) : 1")
        .containsPattern("Control Method Power Button \\(V1\\) : 1")
        .containsPattern("Control Method Sleep Button \\(V1\\) : 1")
        .containsPattern("VGA Not Present \\(V4\\) : 1")
        .containsPattern("DSDT Address : 000000000009FC00")
        .contains("Hypervisor ID : 4D564B4345524946" /* "FIRECKVM" */);
  }

  @Test
  void madtDecodesTheIoapicAndEachLocalApic() throws Exception {
    String dsl = disassemble("madt", Madt.build(4));

    assertThat(dsl).contains("Local Apic Address : FEE00000", "[I/O APIC]", "Address : FEC00000");
    assertThat(dsl.split("\\[Processor Local APIC\\]", -1)).hasSize(5);
    assertThat(dsl).contains("Local Apic ID : 03", "Processor Enabled : 1");
  }

  @Test
  void mcfgAndXsdtDecode() throws Exception {
    assertThat(disassemble("mcfg", Mcfg.build())).contains("Base Address : 00000000EEC00000");
    assertThat(disassemble("xsdt", RootPointers.xsdt(0x9FD00, 0x9FE00, 0x9FF00)))
        .contains("ACPI Table Address   0 : 000000000009FD00")
        .contains("ACPI Table Address   2 : 000000000009FF00");
  }

  /** Runs {@code iasl -d} on {@code table} and returns the .dsl, failing on any complaint. */
  private String disassemble(String name, byte[] table) throws Exception {
    Files.write(dir.resolve(name + ".dat"), table);
    Command result = Command.run(dir, "iasl", "-d", name + ".dat");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .doesNotContainIgnoringCase("warning")
        .doesNotContainIgnoringCase("error");
    String dsl = Files.readString(dir.resolve(name + ".dsl"));
    assertThat(dsl).doesNotContain("Incorrect checksum");
    return dsl;
  }
}
