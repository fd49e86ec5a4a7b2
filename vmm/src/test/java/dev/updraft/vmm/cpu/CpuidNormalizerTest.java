package dev.updraft.vmm.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.kvm.CpuidEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidNormalizerTest {
  // "GenuineIntel" as leaf 0 spells it: EBX "Genu", EDX "ineI", ECX "ntel".
  private static final CpuidEntry INTEL_LEAF0 =
      new CpuidEntry(0, 0, 0, 0x1F, word("Genu"), word("ntel"), word("ineI"));
  private static final CpuidEntry AMD_LEAF0 =
      new CpuidEntry(0, 0, 0, 0x10, word("Auth"), word("cAMD"), word("enti"));

  @Test
  void leafOneCarriesTheApicIdAndTheHypervisorBit() {
    CpuidEntry leaf1 = new CpuidEntry(1, 0, 0, 0x806F8, 0xFF00_0000, 1 << 15, 0);
    List<CpuidEntry> out = new CpuidNormalizer(4, false).normalize(List.of(INTEL_LEAF0, leaf1), 3);
    CpuidEntry n = out.get(1);
    assertThat(n.ebx() >>> 24).isEqualTo(3);
    assertThat((n.ebx() >>> 16) & 0xFF).isEqualTo(4);
    assertThat((n.ebx() >>> 8) & 0xFF).isEqualTo(8);
    assertThat(n.ecx() & (1 << 31)).isNotZero();
    assertThat(n.ecx() & (1 << 24)).isNotZero();
    assertThat(n.ecx() & (1 << 15)).isZero();
    assertThat(n.edx() & (1 << 28)).isNotZero();
  }

  @Test
  void aSingleVcpuHasNoHyperThreadingBit() {
    CpuidEntry leaf1 = new CpuidEntry(1, 0, 0, 0, 0, 0, 1 << 28);
    CpuidEntry n = new CpuidNormalizer(1, true).normalize(List.of(INTEL_LEAF0, leaf1), 0).get(1);
    assertThat(n.edx() & (1 << 28)).isZero();
    assertThat((n.ebx() >>> 16) & 0xFF).isEqualTo(1);
  }

  @Test
  void topologyLeafCoversExactlyTheVcpus() {
    CpuidNormalizer normalizer = new CpuidNormalizer(6, true);
    List<CpuidEntry> in =
        List.of(
            INTEL_LEAF0,
            new CpuidEntry(0xB, 0, 1, 1, 2, 0x100, 7),
            new CpuidEntry(0xB, 1, 1, 4, 16, 0x201, 7),
            new CpuidEntry(0xB, 2, 1, 0, 0, 2, 7));
    List<CpuidEntry> out = normalizer.normalize(in, 5);
    assertThat(out.get(1)).isEqualTo(new CpuidEntry(0xB, 0, 1, 1, 2, 0x100, 5));
    assertThat(out.get(2)).isEqualTo(new CpuidEntry(0xB, 1, 1, 3, 6, 0x201, 5));
    assertThat(out.get(3)).isEqualTo(new CpuidEntry(0xB, 2, 1, 0, 0, 2, 5));
  }

  @Test
  void intelLosesPmuAndTurboAndGetsAGenericBrand() {
    List<CpuidEntry> in =
        List.of(
            INTEL_LEAF0,
            new CpuidEntry(0x6, 0, 0, 0b10, 0, 0b1000, 0),
            new CpuidEntry(0xA, 0, 0, 0x0703_0805, 0, 0, 0x603),
            new CpuidEntry(0x8000_0002, 0, 0, 1, 2, 3, 4));
    List<CpuidEntry> out = new CpuidNormalizer(1, false).normalize(in, 0);
    assertThat(out.get(1).eax() & 0b10).isZero();
    assertThat(out.get(1).ecx() & 0b1000).isZero();
    assertThat(out.get(2)).isEqualTo(new CpuidEntry(0xA, 0, 0, 0, 0, 0, 0));
    assertThat(word(out.get(3).eax())).isEqualTo("Inte");
  }

  @Test
  void amdHidesArchCapabilitiesAndReportsItsCores() {
    List<CpuidEntry> in =
        List.of(
            AMD_LEAF0,
            new CpuidEntry(0x7, 0, 1, 0, 0, 0, 1 << 29),
            new CpuidEntry(0x8000_0008, 0, 0, 0x3030, 0, 0x7F, 0),
            new CpuidEntry(0x8000_001E, 0, 0, 9, 9, 9, 9));
    List<CpuidEntry> out = new CpuidNormalizer(3, false).normalize(in, 2);
    assertThat(out.get(1).edx()).isZero();
    assertThat(out.get(2).ecx() & 0xFF).isEqualTo(2);
    assertThat((out.get(2).ecx() >>> 12) & 0xF).isEqualTo(2);
    assertThat(out.get(3).eax()).isEqualTo(2);
    assertThat(CpuidNormalizer.vendor(in)).isEqualTo("AuthenticAMD");
  }

  @Test
  void rejectsAnIndexOutsideTheVm() {
    assertThatThrownBy(() -> new CpuidNormalizer(2, false).normalize(List.of(), 2))
        .hasMessage("index: 2 (expected: 0..1)");
    assertThatThrownBy(() -> new CpuidNormalizer(33, false))
        .hasMessage("vcpuCount: 33 (expected: 1..32)");
  }

  @Test
  void powerAndLogHelpers() {
    assertThat(CpuidNormalizer.nextPowerOfTwo(1)).isEqualTo(1);
    assertThat(CpuidNormalizer.nextPowerOfTwo(5)).isEqualTo(8);
    assertThat(CpuidNormalizer.log2Ceil(1)).isZero();
    assertThat(CpuidNormalizer.log2Ceil(6)).isEqualTo(3);
  }

  private static int word(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
  }

  private static String word(int v) {
    return new String(
        new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)},
        StandardCharsets.US_ASCII);
  }
}
