package dev.updraft.vmm.acpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AmlTest {
  @Test
  void integersUseTheShortestEncoding() {
    assertThat(Aml.integer(0)).containsExactly(0x00);
    assertThat(Aml.integer(1)).containsExactly(0x01);
    assertThat(Aml.integer(0x0F)).containsExactly(0x0A, 0x0F);
    assertThat(Aml.integer(0x1234)).containsExactly(0x0B, 0x34, 0x12);
    assertThat(Aml.integer(0xC000_1000L)).containsExactly(0x0C, 0x00, 0x10, 0x00, 0xC0);
    assertThat(Aml.integer(0x1_0000_0000L)).containsExactly(0x0E, 0, 0, 0, 0, 1, 0, 0, 0);
    assertThat(Aml.integer(-1)).hasSize(9).startsWith(0x0E);
  }

  @Test
  void stringsAndEisaIdsEncodeAsAnAslCompilerWould() {
    assertThat(Aml.string("COM1")).containsExactly(0x0D, 'C', 'O', 'M', '1', 0);
    // EISAID("PNP0501") is 0x0105D041; EISAID("PNP0303") is 0x0303D041.
    assertThat(Aml.eisaId("PNP0501")).containsExactly(0x0C, 0x41, 0xD0, 0x05, 0x01);
    assertThat(Aml.eisaId("PNP0303")).containsExactly(0x0C, 0x41, 0xD0, 0x03, 0x03);
    assertThatThrownBy(() -> Aml.eisaId("pnp0501")).hasMessageContaining("eisa id: \"pnp0501\"");
    assertThatThrownBy(() -> Aml.string("a\u0000b")).hasMessageContaining("without NUL");
  }

  @Test
  void nameStringsHandleRootsPrefixesAndPadding() {
    assertThat(Aml.nameString("_HID")).containsExactly('_', 'H', 'I', 'D');
    assertThat(Aml.nameString("PS2")).containsExactly('P', 'S', '2', '_');
    assertThat(Aml.nameString("_SB_.COM1"))
        .containsExactly(0x2E, '_', 'S', 'B', '_', 'C', 'O', 'M', '1');
    assertThat(Aml.nameString("\\_SB.PCI0.ISA"))
        .containsExactly('\\', 0x2F, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_');
    assertThat(Aml.nameString("^^FOO")).containsExactly('^', '^', 'F', 'O', 'O', '_');
    assertThat(Aml.nameString("\\")).containsExactly('\\', 0);
    assertThatThrownBy(() -> Aml.nameString("_SB_.TOOLONG"))
        .hasMessageContaining("name: \"_SB_.TOOLONG\"");
    assertThatThrownBy(() -> Aml.nameString("1ABC")).hasMessageContaining("not starting");
    assertThatThrownBy(() -> Aml.nameString("A..B")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void packageLengthsGrowABytePerNibbleRange() {
    assertThat(Aml.pkgLength(0)).containsExactly(1);
    assertThat(Aml.pkgLength(62)).containsExactly(63);
    // 63 body bytes + 2 length bytes = 65 = 0x41: low nibble in the lead byte, the rest after.
    assertThat(Aml.pkgLength(63)).containsExactly(0x41, 0x04);
    assertThat(Aml.pkgLength(4093)).containsExactly(0x4F, 0xFF);
    assertThat(Aml.pkgLength(4094)).containsExactly(0x81, 0x00, 0x01);
    assertThat(Aml.pkgLength(0xF_FFFC)).containsExactly(0x8F, 0xFF, 0xFF);
    assertThat(Aml.pkgLength(0xF_FFFD)).containsExactly(0xC1, 0x00, 0x00, 0x01);
    assertThatThrownBy(() -> Aml.pkgLength(Aml.MAX_PKG_LENGTH))
        .hasMessageContaining("package length");
  }

  @Test
  void devicesMethodsAndNamesNest() {
    byte[] device =
        Aml.device(
            "PS2_",
            Aml.name("_UID", Aml.ZERO),
            Aml.method("_STA", 0, false, Aml.returnValue(Aml.integer(0x0F))));

    assertThat(device)
        .containsExactly(
            0x5B, 0x82, 21, 'P', 'S', '2', '_', // Device, PkgLength, name
            0x08, '_', 'U', 'I', 'D', 0x00, // Name(_UID, Zero)
            0x14, 9, '_', 'S', 'T', 'A', 0x00, 0xA4, 0x0A, 0x0F); // Method(_STA) { Return(0x0F) }
    assertThat(Aml.method("_EVT", 1, true)).containsExactly(0x14, 6, '_', 'E', 'V', 'T', 0x09);
    assertThat(Aml.scope("\\_SB_")).containsExactly(0x10, 6, '\\', '_', 'S', 'B', '_');
    assertThat(Aml.pkg(Aml.ONE, Aml.string("a"))).containsExactly(0x12, 6, 2, 0x01, 0x0D, 'a', 0);
    assertThat(Aml.buffer(new byte[] {7, 8})).containsExactly(0x11, 5, 0x0A, 2, 7, 8);
    assertThatThrownBy(() -> Aml.method("_X", 8, false)).hasMessage("argCount: 8 (expected: 0..7)");
  }

  @Test
  void resourceTemplatesHoldDescriptorsAndAnEndTag() {
    byte[] template =
        Aml.resourceTemplate(
            AmlResource.memory32Fixed(true, 0xC000_1000L, 0x1000),
            AmlResource.interrupt(true, true, false, false, 5));

    assertThat(template)
        .containsExactly(
            0x11, 26, 0x0A, 23, // Buffer, PkgLength, size 23
            0x86, 9, 0, 1, 0x00, 0x10, 0x00, 0xC0, 0x00, 0x10, 0, 0, // Memory32Fixed
            0x89, 6, 0, 0x03, 1, 5, 0, 0, 0, // Interrupt (consumer, edge) { 5 }
            0x79, 0); // end tag
    assertThat(AmlResource.io(0x3F8, 0x3F8, 1, 8)).containsExactly(0x47, 1, 0xF8, 3, 0xF8, 3, 1, 8);
    assertThat(AmlResource.interrupt(false, false, true, true, 1)[3]).isEqualTo((byte) 0x0C);
    assertThatThrownBy(() -> AmlResource.io(0x10000, 0, 1, 1))
        .hasMessage("min: 65536 (expected: 0..0xffff)");
  }
}
