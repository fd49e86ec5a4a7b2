package dev.updraft.vmm.cpu;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.BitFilter;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import dev.updraft.vmm.config.CustomCpuTemplate.MsrModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Firecracker's static CPU templates ({@code machine-config.cpu_template}) as custom templates, so
 * that they go through the same code as {@code PUT /cpu-config}. Each hides what the processor of
 * the AWS instance type it is named after lacks (C3: Ivy Bridge, the T2 family: Haswell) and shows
 * that processor's signature; T2S and T2CL also set {@code IA32_ARCH_CAPABILITIES}. As in
 * Firecracker, a template only applies on the hosts it was made for ({@link HostCpu}); elsewhere
 * InstanceStart fails. The bits are named here from the Intel SDM and AMD APM, so a reader can
 * check each one.
 */
public final class StaticCpuTemplates {
  private StaticCpuTemplates() {}

  /** The template for this host, from its CPUID as KVM reports it; checked as Firecracker does. */
  public static CustomCpuTemplate forHost(CpuTemplate template, List<CpuidEntry> hostCpuid) {
    HostCpu host = HostCpu.of(hostCpuid);
    String problem = host.refuses(template);
    if (problem != null) {
      throw new CpuTemplateException(
          "machine-config: cpu_template " + template.wireName() + ": " + problem);
    }
    return of(template);
  }

  /** The template's CPUID and MSR changes, whatever the host. */
  public static CustomCpuTemplate of(CpuTemplate template) {
    return switch (template) {
      case C3 -> c3();
      case T2 -> t2Family().build();
      case T2S -> t2Family().msr(ARCH_CAPABILITIES, ~0L, T2S_ARCH_CAPABILITIES).build();
      case T2CL ->
          t2Family()
              .hide(0x8000_0001, CpuidRegister.ECX, SSE4A, MISALIGNSSE)
              .hide(0x8000_0001, CpuidRegister.EDX, MMXEXT, MMX, FXSR, FFXSR)
              .msr(ARCH_CAPABILITIES, ~T2CL_ARCH_CAPABILITIES_KEPT, 0)
              .build();
      case T2A ->
          t2Family()
              .hide(0x8000_0001, CpuidRegister.ECX, SVM, SSE4A, MISALIGNSSE)
              .hide(0x8000_0001, CpuidRegister.EDX, MMXEXT, FFXSR)
              .hide(0x8000_0008, CpuidRegister.EBX, CLZERO)
              .set(
                  0x8000_0008,
                  CpuidRegister.EBX,
                  RSTR_FP_ERR_PTRS,
                  IBRS_PREFERRED,
                  IBRS_SAME_MODE,
                  EFER_LMSLE_UNSUPPORTED)
              .build();
      case NONE, V1N1 ->
          throw new CpuTemplateException(
              "machine-config: cpu_template "
                  + template.wireName()
                  + ": not a static template of x86_64 (expected: C3, T2, T2S, T2CL or T2A)");
    };
  }

  // CPUID.01H:EAX, the processor signature: stepping, model, family, type, extended model and
  // extended family (bits 14-15 and 28-31 are reserved and stay the host's).
  private static final int SIGNATURE = 0x0fff_3fff;
  private static final int IVY_BRIDGE_EP = 0x0003_06e4; // family 6 model 0x3e stepping 4
  private static final int HASWELL_EP = 0x0003_06f2; // family 6 model 0x3f stepping 2

  // CPUID.01H:ECX
  private static final int DTES64 = 2, MONITOR = 3, DS_CPL = 4, VMX = 5, SMX = 6, EIST = 7;
  private static final int TM2 = 8, CNXT_ID = 10, SDBG = 11, FMA = 12, XTPR = 14, PDCM = 15;
  private static final int DCA = 18, MOVBE = 22;
  // CPUID.01H:EDX
  private static final int MCE = 7, MTRR = 12, PSN = 18, DS = 21, ACPI = 22, SS = 27, TM = 29;
  private static final int IA64 = 30, PBE = 31;
  // CPUID.(EAX=07H,ECX=0):EBX
  private static final int SGX = 2, BMI1 = 3, HLE = 4, AVX2 = 5, BMI2 = 8, ERMS = 9;
  private static final int INVPCID = 10, RTM = 11, RDT_M = 12, MPX = 14, RDT_A = 15;
  private static final int AVX512F = 16, AVX512DQ = 17, RDSEED = 18, ADX = 19, AVX512_IFMA = 21;
  private static final int PCOMMIT = 22, CLFLUSHOPT = 23, CLWB = 24, INTEL_PT = 25;
  private static final int AVX512PF = 26, AVX512ER = 27, AVX512CD = 28, SHA = 29;
  private static final int AVX512BW = 30, AVX512VL = 31;
  // CPUID.(EAX=07H,ECX=0):ECX
  private static final int AVX512_VBMI = 1, UMIP = 2, PKU = 3, OSPKE = 4, AVX512_VBMI2 = 6;
  private static final int GFNI = 8, VAES = 9, VPCLMULQDQ = 10, AVX512_VNNI = 11;
  private static final int AVX512_BITALG = 12, AVX512_VPOPCNTDQ = 14, LA57 = 16, RDPID = 22;
  private static final int SGX_LC = 30;
  // CPUID.(EAX=07H,ECX=0):EDX
  private static final int AVX512_4VNNIW = 2, AVX512_4FMAPS = 3, FSRM = 4;
  private static final int AVX512_VP2INTERSECT = 8;
  // CPUID.(EAX=0DH,ECX=0):EAX, XSAVE state components; (EAX=0DH,ECX=1):EAX, XSAVE instructions
  private static final int BNDREGS = 3, BNDCSR = 4, OPMASK = 5, ZMM_HI256 = 6, HI16_ZMM = 7;
  private static final int PKRU = 9;
  private static final int XSAVEC = 1, XGETBV_ECX1 = 2, XSAVES = 3;
  // CPUID.80000001H:ECX and EDX
  private static final int SVM = 2, LZCNT = 5, SSE4A = 6, MISALIGNSSE = 7, PREFETCHW = 8;
  private static final int MONITORX = 29;
  private static final int MMXEXT = 22, MMX = 23, FXSR = 24, FFXSR = 25, PDPE1GB = 26;
  // CPUID.80000008H:EBX (AMD)
  private static final int CLZERO = 0, RSTR_FP_ERR_PTRS = 2, WBNOINVD = 9, IBRS_PREFERRED = 18;
  private static final int IBRS_SAME_MODE = 19, EFER_LMSLE_UNSUPPORTED = 20;

  private static final int ARCH_CAPABILITIES = 0x10a;

  /**
   * T2S's {@code IA32_ARCH_CAPABILITIES}, the same on Skylake and Cascade Lake hosts: RSBA,
   * SKIP_L1DFL_VMENTRY, IF_PSCHANGE_MC_NO, MISC_PACKAGE_CTLS, ENERGY_FILTERING_CTL, FB_CLEAR,
   * RRSBA, GDS_NO and RFDS_NO set, everything else clear.
   */
  private static final long T2S_ARCH_CAPABILITIES =
      bits(2, 3, 6, 10, 11, 17, 19, 26, 27) & 0xFFFF_FFFFL;

  /**
   * The {@code IA32_ARCH_CAPABILITIES} bits T2CL keeps from the host (RDCL_NO through TAA_NO,
   * SBDR_SSDP_NO, FBSDP_NO, PSDP_NO, FB_CLEAR, RRSBA, PBRSB_NO, GDS_NO, RFDS_NO, RFDS_CLEAR); the
   * others, control bits and bits defined later, are cleared.
   */
  private static final long T2CL_ARCH_CAPABILITIES_KEPT =
      bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 17, 19, 24, 26, 27, 28) & 0xFFFF_FFFFL;

  private static CustomCpuTemplate c3() {
    return older()
        .signature(IVY_BRIDGE_EP)
        .hide(0x1, CpuidRegister.ECX, FMA, MOVBE)
        .hide(0x7, CpuidRegister.EBX, BMI1, AVX2, BMI2, INVPCID)
        .hide(0x8000_0001, CpuidRegister.ECX, LZCNT, PREFETCHW)
        .build();
  }

  /** T2, and the base of T2S, T2CL and T2A: a Haswell's features. */
  private static Builder t2Family() {
    return older()
        .signature(HASWELL_EP)
        .hide(0x1, CpuidRegister.ECX, SMX, EIST, DCA)
        .hide(0x1, CpuidRegister.EDX, IA64)
        .hide(0x7, CpuidRegister.EBX, PCOMMIT)
        .set(0x7, CpuidRegister.EBX, ERMS)
        .hide(0x7, CpuidRegister.ECX, AVX512_VBMI2, GFNI, VAES, VPCLMULQDQ, AVX512_BITALG)
        .hide(0x7, CpuidRegister.EDX, FSRM, AVX512_VP2INTERSECT)
        .hide(0x8000_0001, CpuidRegister.ECX, PREFETCHW, MONITORX)
        .hide(0x8000_0008, CpuidRegister.EBX, WBNOINVD);
  }

  /**
   * What both Ivy Bridge (C3) and Haswell (T2) lack, or what a guest must not be told of: debug,
   * thermal and virtualisation features, AVX-512, MPX, SGX, TSX and later extensions.
   */
  private static Builder older() {
    return new Builder()
        .hide(0x1, CpuidRegister.ECX, DTES64, MONITOR, DS_CPL, VMX, TM2, CNXT_ID, SDBG, XTPR, PDCM)
        .hide(0x1, CpuidRegister.EDX, PSN, DS, ACPI, SS, TM, PBE)
        .set(0x1, CpuidRegister.EDX, MCE, MTRR)
        .hide(
            0x7,
            CpuidRegister.EBX,
            SGX,
            HLE,
            RTM,
            RDT_M,
            MPX,
            RDT_A,
            AVX512F,
            AVX512DQ,
            RDSEED,
            ADX,
            AVX512_IFMA,
            CLFLUSHOPT,
            CLWB,
            INTEL_PT,
            AVX512PF,
            AVX512ER,
            AVX512CD,
            SHA,
            AVX512BW,
            AVX512VL)
        .hide(
            0x7,
            CpuidRegister.ECX,
            AVX512_VBMI,
            UMIP,
            PKU,
            OSPKE,
            AVX512_VNNI,
            AVX512_VPOPCNTDQ,
            LA57,
            RDPID,
            SGX_LC)
        .hide(0x7, CpuidRegister.EDX, AVX512_4VNNIW, AVX512_4FMAPS)
        .xsave()
        .hide(0x8000_0001, CpuidRegister.EDX, PDPE1GB);
  }

  private static long bits(int... positions) {
    long mask = 0;
    for (int p : positions) {
      mask |= 1L << p;
    }
    return mask;
  }

  /**
   * Collects forced bits per leaf, subleaf and register, then writes them as Firecracker's
   * modifiers: leaves 7 and 0xD with the significant-index flag, the others without.
   */
  private static final class Builder {
    private record Key(int leaf, int subleaf) {}

    private final Map<Key, Map<CpuidRegister, long[]>> leaves = new LinkedHashMap<>();
    private final List<MsrModifier> msrs = new ArrayList<>();

    Builder signature(int signature) {
      force(new Key(0x1, 0), CpuidRegister.EAX, SIGNATURE, signature);
      return this;
    }

    Builder hide(int leaf, CpuidRegister register, int... positions) {
      force(new Key(leaf, 0), register, bits(positions), 0);
      return this;
    }

    Builder set(int leaf, CpuidRegister register, int... positions) {
      long mask = bits(positions);
      force(new Key(leaf, 0), register, mask, mask);
      return this;
    }

    /** No AVX-512, MPX or PKRU state to save; no compacted or supervisor XSAVE. */
    Builder xsave() {
      force(
          new Key(0xd, 0),
          CpuidRegister.EAX,
          bits(BNDREGS, BNDCSR, OPMASK, ZMM_HI256, HI16_ZMM, PKRU),
          0);
      force(new Key(0xd, 1), CpuidRegister.EAX, bits(XSAVEC, XGETBV_ECX1, XSAVES), 0);
      return this;
    }

    Builder msr(int addr, long filter, long value) {
      msrs.add(new MsrModifier(addr, new BitFilter(filter, value)));
      return this;
    }

    private void force(Key key, CpuidRegister register, long filter, long value) {
      long[] bits =
          leaves
              .computeIfAbsent(key, k -> new LinkedHashMap<>())
              .computeIfAbsent(register, r -> new long[2]);
      bits[0] |= filter;
      bits[1] = (bits[1] & ~filter) | value;
    }

    CustomCpuTemplate build() {
      List<CpuidModifier> cpuid = new ArrayList<>();
      leaves.forEach(
          (key, registers) -> {
            List<RegisterModifier> modifiers = new ArrayList<>();
            registers.forEach(
                (register, bits) ->
                    modifiers.add(new RegisterModifier(register, new BitFilter(bits[0], bits[1]))));
            int flags = key.leaf() == 0x7 || key.leaf() == 0xd ? 1 : 0;
            cpuid.add(new CpuidModifier(key.leaf(), key.subleaf(), flags, modifiers));
          });
      return new CustomCpuTemplate(List.of(), cpuid, msrs);
    }
  }
}
