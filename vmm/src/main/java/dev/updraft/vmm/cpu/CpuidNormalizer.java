package dev.updraft.vmm.cpu;

import dev.updraft.sys.kvm.CpuidEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns KVM_GET_SUPPORTED_CPUID into what one vCPU of this VM should see, following Firecracker's
 * normalisation (docs/cpu_templates/cpuid-normalization.md): its own APIC id, a topology that
 * covers exactly the VM's vCPUs, the hypervisor bit, and no features the VMM does not emulate (PMU,
 * turbo, energy bias). Leaves KVM did not report stay absent.
 */
public final class CpuidNormalizer {
  static final String INTEL = "GenuineIntel";
  static final String AMD = "AuthenticAMD";
  private static final int LEAF1_ECX_PDCM = 1 << 15;
  private static final int LEAF1_ECX_TSC_DEADLINE = 1 << 24;
  private static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
  private static final int LEAF1_EDX_HTT = 1 << 28;
  private static final int LEAF6_EAX_TURBO = 1 << 1;
  private static final int LEAF6_ECX_EPB = 1 << 3;
  private static final int LEAF7_EBX_FDP_EXCPTN_ONLY = 1 << 6;
  private static final int LEAF7_EBX_FPU_CS_DS_DEPRECATED = 1 << 13;
  private static final int LEAF7_ECX_WAITPKG = 1 << 5;
  private static final int LEAF7_EDX_ARCH_CAPABILITIES = 1 << 29;
  private static final int EXT1_ECX_TOPOEXT = 1 << 22;
  private static final int LEVEL_SMT = 1;
  private static final int LEVEL_CORE = 2;

  private final int vcpuCount;
  private final boolean smt;

  public CpuidNormalizer(int vcpuCount, boolean smt) {
    if (vcpuCount < 1 || vcpuCount > 32) {
      throw new IllegalArgumentException("vcpuCount: " + vcpuCount + " (expected: 1..32)");
    }
    this.vcpuCount = vcpuCount;
    this.smt = smt && vcpuCount > 1;
  }

  /** The vendor string of leaf 0 (EBX, EDX, ECX), e.g. {@code GenuineIntel}. */
  public static String vendor(List<CpuidEntry> entries) {
    for (CpuidEntry e : entries) {
      if (e.function() == 0) {
        byte[] b = new byte[12];
        putInt(b, 0, e.ebx());
        putInt(b, 4, e.edx());
        putInt(b, 8, e.ecx());
        return new String(b, StandardCharsets.US_ASCII);
      }
    }
    return "";
  }

  /** The entries vCPU {@code index} gets. */
  public List<CpuidEntry> normalize(List<CpuidEntry> supported, int index) {
    if (index < 0 || index >= vcpuCount) {
      throw new IllegalArgumentException(
          "index: " + index + " (expected: 0.." + (vcpuCount - 1) + ")");
    }
    String vendor = vendor(supported);
    boolean intel = INTEL.equals(vendor);
    boolean amd = AMD.equals(vendor);
    List<CpuidEntry> out = new ArrayList<>(supported.size());
    for (CpuidEntry e : supported) {
      CpuidEntry n =
          switch (e.function()) {
            case 0x1 -> leaf1(e, index);
            case 0x4 -> intel ? leaf4(e) : e;
            case 0x6 ->
                intel ? e.withEax(e.eax() & ~LEAF6_EAX_TURBO).withEcx(e.ecx() & ~LEAF6_ECX_EPB) : e;
            case 0x7 -> e.index() == 0 ? leaf7(e, intel, amd) : e;
            case 0xA -> intel ? new CpuidEntry(e.function(), e.index(), e.flags(), 0, 0, 0, 0) : e;
            case 0xB, 0x1F -> topology(e, index);
            case 0x8000_0001 -> amd ? e.withEcx(e.ecx() | EXT1_ECX_TOPOEXT) : e;
            case 0x8000_0002, 0x8000_0003, 0x8000_0004 -> brand(e, intel, amd);
            case 0x8000_0008 -> amd ? e.withEcx(amdCoreCount(e.ecx())) : e;
            case 0x8000_001E -> amd ? amdExtendedApic(e, index) : e;
            default -> e;
          };
      out.add(n);
    }
    return out;
  }

  private CpuidEntry leaf1(CpuidEntry e, int index) {
    int ebx = e.ebx() & 0x0000_00FF;
    ebx |= 8 << 8; // CLFLUSH line size in 8-byte units: 64 bytes
    ebx |= nextPowerOfTwo(vcpuCount) << 16; // logical processors per package
    ebx |= index << 24; // initial APIC id
    int ecx = (e.ecx() & ~LEAF1_ECX_PDCM) | LEAF1_ECX_TSC_DEADLINE | LEAF1_ECX_HYPERVISOR;
    int edx = vcpuCount > 1 ? e.edx() | LEAF1_EDX_HTT : e.edx() & ~LEAF1_EDX_HTT;
    return new CpuidEntry(e.function(), e.index(), e.flags(), e.eax(), ebx, ecx, edx);
  }

  private CpuidEntry leaf4(CpuidEntry e) {
    int cacheLevel = (e.eax() >>> 5) & 0x7;
    int threadsPerCore = smt ? 2 : 1;
    int sharing = cacheLevel <= 2 ? threadsPerCore : vcpuCount;
    int cores = Math.max(1, vcpuCount / threadsPerCore);
    int eax = e.eax() & 0x3FFF; // keep type, level and the self-initialising bits
    eax |= (nextPowerOfTwo(sharing) - 1) << 14;
    eax |= (nextPowerOfTwo(cores) - 1) << 26;
    return e.withEax(eax);
  }

  private static CpuidEntry leaf7(CpuidEntry e, boolean intel, boolean amd) {
    CpuidEntry n = e.withEcx(e.ecx() & ~LEAF7_ECX_WAITPKG);
    if (intel) {
      n = n.withEbx(n.ebx() | LEAF7_EBX_FDP_EXCPTN_ONLY | LEAF7_EBX_FPU_CS_DS_DEPRECATED);
    }
    if (amd) {
      n = n.withEdx(n.edx() & ~LEAF7_EDX_ARCH_CAPABILITIES);
    }
    return n;
  }

  private CpuidEntry topology(CpuidEntry e, int index) {
    int threadsPerCore = smt ? 2 : 1;
    int eax;
    int ebx;
    int ecx;
    switch (e.index()) {
      case 0 -> {
        eax = smt ? 1 : 0;
        ebx = threadsPerCore;
        ecx = (LEVEL_SMT << 8);
      }
      case 1 -> {
        eax = log2Ceil(vcpuCount);
        ebx = vcpuCount;
        ecx = (LEVEL_CORE << 8) | 1;
      }
      default -> {
        eax = 0;
        ebx = 0;
        ecx = e.index() & 0xFF; // level type 0: this sub-leaf is invalid
      }
    }
    return new CpuidEntry(e.function(), e.index(), e.flags(), eax, ebx, ecx, index);
  }

  private int amdCoreCount(int ecx) {
    int apicIdSize = Math.max(1, log2Ceil(vcpuCount));
    return (ecx & ~0xF0FF) | (apicIdSize << 12) | (vcpuCount - 1);
  }

  private CpuidEntry amdExtendedApic(CpuidEntry e, int index) {
    int threadsPerCore = smt ? 2 : 1;
    int ebx = ((threadsPerCore - 1) << 8) | (index / threadsPerCore);
    return new CpuidEntry(e.function(), e.index(), e.flags(), index, ebx, 0, 0);
  }

  // Firecracker replaces the host's brand string so guests see a stable, vendor-generic name.
  private static CpuidEntry brand(CpuidEntry e, boolean intel, boolean amd) {
    if (!intel && !amd) {
      return e;
    }
    byte[] text = new byte[48];
    byte[] name =
        (intel ? "Intel(R) Xeon(R) Processor" : "AMD EPYC").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, text, 0, name.length);
    int base = (e.function() - 0x8000_0002) * 16;
    return new CpuidEntry(
        e.function(),
        e.index(),
        e.flags(),
        getInt(text, base),
        getInt(text, base + 4),
        getInt(text, base + 8),
        getInt(text, base + 12));
  }

  static int nextPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  static int log2Ceil(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }
}
