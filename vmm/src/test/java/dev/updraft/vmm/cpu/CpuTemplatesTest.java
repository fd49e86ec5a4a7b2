package dev.updraft.vmm.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.BitFilter;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import dev.updraft.vmm.config.CustomCpuTemplate.MsrModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuTemplatesTest {
  private static final List<CpuidEntry> HOST =
      List.of(
          new CpuidEntry(0, 0, 0, 0xD, 0x756E6547, 0x6C65746E, 0x49656E69),
          new CpuidEntry(1, 0, 0, 0x000906EA, 0x00100800, 0xFFFA3203, 0x0F8BFBFF),
          new CpuidEntry(7, 0, 1, 0, 0x029C67AF, 0, 0),
          new CpuidEntry(7, 1, 1, 0, 0, 0, 0));

  private static CustomCpuTemplate cpuid(CpuidModifier... leaves) {
    return new CustomCpuTemplate(List.of(), List.of(leaves), List.of());
  }

  @Test
  void forcedBitsChangeAndTheOthersStayAsTheHostHasThem() {
    List<CpuidEntry> out =
        CpuTemplates.applyToCpuid(
            HOST,
            cpuid(
                new CpuidModifier(
                    1,
                    0,
                    0,
                    List.of(
                        new RegisterModifier(CpuidRegister.EAX, new BitFilter(0xF, 0x3)),
                        new RegisterModifier(
                            CpuidRegister.EDX, new BitFilter(0x8000_0001L, 0x8000_0000L))))));
    assertThat(out.get(1).eax()).isEqualTo(0x000906E3);
    assertThat(out.get(1).edx()).isEqualTo(0x8F8BFBFE);
    assertThat(out.get(1).ebx()).isEqualTo(HOST.get(1).ebx());
    assertThat(out.get(1).ecx()).isEqualTo(HOST.get(1).ecx());
    assertThat(out).as("other leaves untouched, order kept").element(0).isEqualTo(HOST.get(0));
    assertThat(HOST.get(1).eax()).as("the input is not changed").isEqualTo(0x000906EA);
  }

  @Test
  void theSubleafSelectsTheEntryAndTheFlagsAreSet() {
    List<CpuidEntry> out =
        CpuTemplates.applyToCpuid(
            HOST,
            cpuid(
                new CpuidModifier(
                    7,
                    1,
                    1,
                    List.of(new RegisterModifier(CpuidRegister.EAX, new BitFilter(0x10, 0x10))))));
    assertThat(out.get(3).eax()).isEqualTo(0x10);
    assertThat(out.get(3).flags()).isEqualTo(1);
    assertThat(out.get(2)).isEqualTo(HOST.get(2));
  }

  @Test
  void aLeafTheHostLacksIsRefused() {
    assertThatThrownBy(
            () -> CpuTemplates.applyToCpuid(HOST, cpuid(new CpuidModifier(7, 2, 1, List.of()))))
        .isInstanceOf(CpuTemplateException.class)
        .hasMessage(
            "cpu-config: CPUID leaf 0x7 subleaf 0x2 is not supported by KVM on this host"
                + " (expected: a leaf and subleaf the host reports)");
  }

  @Test
  void msrModifiersStartFromTheVcpusValuesAndChainOnOneMsr() {
    CustomCpuTemplate template =
        new CustomCpuTemplate(
            List.of(),
            List.of(),
            List.of(
                new MsrModifier(0x10A, new BitFilter(0xFF, 0x0F)),
                new MsrModifier(0x10A, new BitFilter(0xF00, 0x100))));
    List<MsrEntry> values =
        CpuTemplates.msrs(template, indices -> List.of(new MsrEntry(0x10A, 0xABCD_EFFFL)));
    assertThat(values)
        .containsExactly(new MsrEntry(0x10A, 0xABCD_EF0FL), new MsrEntry(0x10A, 0xABCD_E10FL));
  }

  @Test
  void anMsrKvmDoesNotReturnIsRefused() {
    CustomCpuTemplate template =
        new CustomCpuTemplate(
            List.of(), List.of(), List.of(new MsrModifier(0x9999, new BitFilter(0, 0))));
    assertThatThrownBy(() -> CpuTemplates.msrs(template, indices -> List.of()))
        .isInstanceOf(CpuTemplateException.class)
        .hasMessageContaining("MSR 0x9999 is not supported by KVM");
    assertThat(CpuTemplates.msrs(CustomCpuTemplate.EMPTY, indices -> List.of())).isEmpty();
  }

  @Test
  void aBitmapPrintsAsTheTemplateWritesIt() {
    assertThat(new BitFilter(0b1110, 0b0100).bits(4)).isEqualTo("0b010x");
    assertThatThrownBy(() -> new BitFilter(0b1, 0b10))
        .hasMessageContaining("expected: only bits the filter forces");
  }
}
