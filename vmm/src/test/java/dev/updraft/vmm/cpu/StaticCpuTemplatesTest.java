package dev.updraft.vmm.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticCpuTemplatesTest {
  private static final int CASCADE_LAKE = 0x0005_0657;
  private static final int ROCKET_LAKE = 0x000a_0671;

  /** A host's CPUID as KVM might report it: every feature bit set, to see which ones go. */
  private static List<CpuidEntry> host(String vendor, int signature) {
    ByteBuffer name =
        ByteBuffer.wrap(vendor.getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN);
    int ebx = name.getInt();
    int edx = name.getInt();
    int ecx = name.getInt();
    return List.of(
        new CpuidEntry(0x0, 0, 0, 0x1b, ebx, ecx, edx),
        new CpuidEntry(0x1, 0, 0, signature, 0x0010_0800, -1, -1),
        new CpuidEntry(0x7, 0, 1, 0, -1, -1, -1),
        new CpuidEntry(0xd, 0, 1, 0x2ff, 0, 0, 0),
        new CpuidEntry(0xd, 1, 1, 0xf, 0, 0, 0),
        new CpuidEntry(0x8000_0001, 0, 0, 0, 0, -1, -1),
        new CpuidEntry(0x8000_0008, 0, 0, 0x3030, -1, 0, 0));
  }

  private static CpuidEntry leaf(List<CpuidEntry> cpuid, int leaf, int subleaf) {
    return cpuid.stream()
        .filter(e -> e.function() == leaf && e.index() == subleaf)
        .findFirst()
        .orElseThrow();
  }

  private static long forced(CustomCpuTemplate t, int leaf, int subleaf, CpuidRegister register) {
    return t.cpuidModifiers().stream()
        .filter(m -> m.leaf() == leaf && m.subleaf() == subleaf)
        .map(CpuidModifier::modifiers)
        .flatMap(List::stream)
        .filter(m -> m.register() == register)
        .map(RegisterModifier::bitmap)
        .findFirst()
        .orElseThrow()
        .filter();
  }

  @Test
  void t2ShowsAHaswellOnACascadeLakeHost() {
    List<CpuidEntry> cpuid =
        CpuTemplates.applyToCpuid(
            host("GenuineIntel", CASCADE_LAKE),
            StaticCpuTemplates.forHost(CpuTemplate.T2, host("GenuineIntel", CASCADE_LAKE)));
    CpuidEntry leaf1 = leaf(cpuid, 1, 0);
    assertThat(leaf1.eax() & 0x0fff_3fff).as("Haswell-EP signature").isEqualTo(0x0003_06f2);
    assertThat(leaf1.ecx() & (1 << 5)).as("VMX hidden").isZero();
    assertThat(leaf1.ecx() & (1 << 28)).as("AVX kept").isNotZero();
    assertThat(leaf1.ecx() & (1 << 12)).as("FMA kept (Haswell has it)").isNotZero();
    assertThat(leaf1.ebx()).as("EBX untouched").isEqualTo(0x0010_0800);
    CpuidEntry leaf7 = leaf(cpuid, 7, 0);
    assertThat(leaf7.ebx() & (1 << 16)).as("AVX512F hidden").isZero();
    assertThat(leaf7.ebx() & (1 << 5)).as("AVX2 kept").isNotZero();
    assertThat(leaf7.ebx() & (1 << 20)).as("SMAP kept, as Firecracker's T2 does").isNotZero();
    assertThat(leaf7.flags()).as("significant index").isEqualTo(1);
    assertThat(leaf(cpuid, 0xd, 0).eax()).as("x87, SSE, AVX state only").isEqualTo(0x7);
    assertThat(leaf(cpuid, 0xd, 1).eax()).as("XSAVEOPT only").isEqualTo(0x1);
    assertThat(leaf(cpuid, 0x8000_0001, 0).edx() & (1 << 26)).as("1 GiB pages hidden").isZero();
  }

  @Test
  void c3HidesWhatIvyBridgeLacks() {
    CustomCpuTemplate c3 = StaticCpuTemplates.of(CpuTemplate.C3);
    List<CpuidEntry> cpuid = CpuTemplates.applyToCpuid(host("GenuineIntel", CASCADE_LAKE), c3);
    assertThat(leaf(cpuid, 1, 0).eax() & 0x0fff_3fff).isEqualTo(0x0003_06e4);
    assertThat(leaf(cpuid, 1, 0).ecx() & (1 << 12)).as("FMA hidden").isZero();
    assertThat(leaf(cpuid, 1, 0).ecx() & (1 << 22)).as("MOVBE hidden").isZero();
    assertThat(leaf(cpuid, 7, 0).ebx() & (1 << 5)).as("AVX2 hidden").isZero();
    assertThat(leaf(cpuid, 7, 0).ebx() & (1 << 7)).as("SMEP kept").isNotZero();
    assertThat(leaf(cpuid, 0x8000_0001, 0).ecx() & (1 << 5)).as("LZCNT hidden").isZero();
  }

  /**
   * The bits each template forces, as hexadecimal masks, compared with the masks Firecracker's
   * templates force (read from its source, written here as numbers): the named bits must add up to
   * exactly those.
   */
  @Test
  void theNamedBitsAddUpToFirecrackersMasks() {
    CustomCpuTemplate t2 = StaticCpuTemplates.of(CpuTemplate.T2);
    assertThat(forced(t2, 1, 0, CpuidRegister.EAX)).isEqualTo(0x0fff3fffL);
    assertThat(forced(t2, 1, 0, CpuidRegister.ECX)).isEqualTo(0x0004cdfcL);
    assertThat(forced(t2, 1, 0, CpuidRegister.EDX)).isEqualTo(0xe8641080L);
    assertThat(forced(t2, 7, 0, CpuidRegister.EBX)).isEqualTo(0xffefda14L);
    assertThat(forced(t2, 7, 0, CpuidRegister.ECX)).isEqualTo(0x40415f5eL);
    assertThat(forced(t2, 7, 0, CpuidRegister.EDX)).isEqualTo(0x0000011cL);
    assertThat(forced(t2, 0xd, 0, CpuidRegister.EAX)).isEqualTo(0x000002f8L);
    assertThat(forced(t2, 0xd, 1, CpuidRegister.EAX)).isEqualTo(0x0000000eL);
    assertThat(forced(t2, 0x8000_0001, 0, CpuidRegister.ECX)).isEqualTo(0x20000100L);
    assertThat(forced(t2, 0x8000_0001, 0, CpuidRegister.EDX)).isEqualTo(0x04000000L);
    assertThat(forced(t2, 0x8000_0008, 0, CpuidRegister.EBX)).isEqualTo(0x00000200L);
    CustomCpuTemplate c3 = StaticCpuTemplates.of(CpuTemplate.C3);
    assertThat(forced(c3, 1, 0, CpuidRegister.ECX)).isEqualTo(0x0040dd3cL);
    assertThat(forced(c3, 1, 0, CpuidRegister.EDX)).isEqualTo(0xa8641080L);
    assertThat(forced(c3, 7, 0, CpuidRegister.EBX)).isEqualTo(0xffafdd3cL);
    assertThat(forced(c3, 7, 0, CpuidRegister.ECX)).isEqualTo(0x4041481eL);
    assertThat(forced(c3, 0x8000_0001, 0, CpuidRegister.ECX)).isEqualTo(0x00000120L);
    CustomCpuTemplate t2cl = StaticCpuTemplates.of(CpuTemplate.T2CL);
    assertThat(forced(t2cl, 0x8000_0001, 0, CpuidRegister.ECX)).isEqualTo(0x200001c0L);
    assertThat(forced(t2cl, 0x8000_0001, 0, CpuidRegister.EDX)).isEqualTo(0x07c00000L);
    assertThat(t2cl.msrModifiers().getFirst().bitmap().filter()).isEqualTo(0xffffffffe2f51e00L);
    CustomCpuTemplate t2a = StaticCpuTemplates.of(CpuTemplate.T2A);
    assertThat(forced(t2a, 0x8000_0001, 0, CpuidRegister.ECX)).isEqualTo(0x200001c4L);
    assertThat(forced(t2a, 0x8000_0001, 0, CpuidRegister.EDX)).isEqualTo(0x06400000L);
    assertThat(forced(t2a, 0x8000_0008, 0, CpuidRegister.EBX)).isEqualTo(0x001c0205L);
  }

  @Test
  void t2sAndT2clSetArchCapabilities() {
    CustomCpuTemplate t2s = StaticCpuTemplates.of(CpuTemplate.T2S);
    List<MsrEntry> msrs = CpuTemplates.msrs(t2s, ids -> List.of(new MsrEntry(0x10a, -1L)));
    assertThat(msrs).containsExactly(new MsrEntry(0x10a, 0x0c0a0c4cL));
    CustomCpuTemplate t2cl = StaticCpuTemplates.of(CpuTemplate.T2CL);
    List<MsrEntry> kept = CpuTemplates.msrs(t2cl, ids -> List.of(new MsrEntry(0x10a, -1L)));
    assertThat(kept.getFirst().value()).isEqualTo(0x1d0ae1ffL);
    assertThat(StaticCpuTemplates.of(CpuTemplate.T2).msrModifiers()).isEmpty();
  }

  @Test
  void aHostTheTemplateWasNotMadeForIsRefusedWithFirecrackersReason() {
    assertThatThrownBy(
            () -> StaticCpuTemplates.forHost(CpuTemplate.T2, host("GenuineIntel", ROCKET_LAKE)))
        .isInstanceOf(CpuTemplateException.class)
        .hasMessage(
            "machine-config: cpu_template T2: The current CPU model is not permitted to apply the"
                + " CPU template (host: family 0x6 model 0xa7 stepping 0x1; expected: family 0x6"
                + " model 0x55 stepping 0x4 (Skylake), family 0x6 model 0x55 stepping 0x7 (Cascade"
                + " Lake), family 0x6 model 0x6a stepping 0x6 (Ice Lake))");
    assertThatThrownBy(
            () -> StaticCpuTemplates.forHost(CpuTemplate.T2A, host("GenuineIntel", CASCADE_LAKE)))
        .hasMessage(
            "machine-config: cpu_template T2A: CPU vendor mismatched between actual CPU and CPU"
                + " template (host: GenuineIntel; expected: AuthenticAMD)");
    assertThatThrownBy(
            () -> StaticCpuTemplates.forHost(CpuTemplate.T2S, host("GenuineIntel", 0x0006_06a6)))
        .hasMessageContaining("(host: family 0x6 model 0x6a stepping 0x6 (Ice Lake); expected:");
    assertThat(StaticCpuTemplates.forHost(CpuTemplate.T2A, host("AuthenticAMD", 0x00a0_0f11)))
        .isEqualTo(StaticCpuTemplates.of(CpuTemplate.T2A));
  }

  @Test
  void theProcessorTypeBitsDoNotMatter() {
    // Bits 12-13 (processor type) and the reserved ones are not part of the model.
    assertThat(
            StaticCpuTemplates.forHost(
                CpuTemplate.T2CL, host("GenuineIntel", CASCADE_LAKE | 0x3000 | 0xf000_0000)))
        .isEqualTo(StaticCpuTemplates.of(CpuTemplate.T2CL));
  }

  @Test
  void onlyX86StaticTemplatesHaveOne() {
    assertThatThrownBy(() -> StaticCpuTemplates.of(CpuTemplate.V1N1))
        .hasMessageContaining("not a static template of x86_64");
  }
}
