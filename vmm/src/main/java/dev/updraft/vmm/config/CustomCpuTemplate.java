package dev.updraft.vmm.config;

import java.util.List;

/**
 * A custom CPU template ({@code PUT /cpu-config}, Firecracker's {@code CustomCpuTemplate} on
 * x86_64): bits of CPUID results and MSR values to force to 0 or 1, and KVM capabilities to add to
 * (or take off) the checks before the VM is built. The template is applied to the host's supported
 * CPUID before it is normalised per vCPU, and its MSRs are written after the boot MSRs.
 *
 * @param kvmCapabilities capabilities to check (or not) at InstanceStart
 * @param cpuidModifiers per CPUID leaf and subleaf, what to change in which register
 * @param msrModifiers per MSR, what to change in its value
 */
public record CustomCpuTemplate(
    List<KvmCapability> kvmCapabilities,
    List<CpuidModifier> cpuidModifiers,
    List<MsrModifier> msrModifiers) {
  public static final CustomCpuTemplate EMPTY =
      new CustomCpuTemplate(List.of(), List.of(), List.of());

  public CustomCpuTemplate {
    kvmCapabilities = List.copyOf(kvmCapabilities);
    cpuidModifiers = List.copyOf(cpuidModifiers);
    msrModifiers = List.copyOf(msrModifiers);
  }

  /** A capability number, to be added to the checks ({@code "56"}) or removed ({@code "!56"}). */
  public record KvmCapability(int number, boolean remove) {
    public KvmCapability {
      if (number < 0) {
        throw ConfigException.of(
            "kvm_capabilities", Integer.toUnsignedString(number), "a capability number");
      }
    }

    @Override
    public String toString() {
      return (remove ? "!" : "") + number;
    }
  }

  /** The four result registers of CPUID, as the template names them. */
  public enum CpuidRegister implements WireNamed {
    EAX,
    EBX,
    ECX,
    EDX;

    @Override
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What to change in the CPUID results of one leaf and subleaf.
   *
   * @param flags the KVM flags the entry gets ({@code KVM_CPUID_FLAG_*}), as Firecracker sets them
   */
  public record CpuidModifier(int leaf, int subleaf, int flags, List<RegisterModifier> modifiers) {
    public CpuidModifier {
      modifiers = List.copyOf(modifiers);
    }
  }

  /** One register of a CPUID result and the bits to force in it (32 bits). */
  public record RegisterModifier(CpuidRegister register, BitFilter bitmap) {
    public RegisterModifier {
      if (register == null || bitmap == null) {
        throw new ConfigException("register and bitmap: null (expected: both set)");
      }
      if (bitmap.filter() >>> 32 != 0) {
        throw ConfigException.of("bitmap", bitmap, "at most 32 bits for a CPUID register");
      }
    }
  }

  /** One MSR and the bits to force in its value (64 bits). */
  public record MsrModifier(int addr, BitFilter bitmap) {
    public MsrModifier {
      if (bitmap == null) {
        throw new ConfigException("bitmap: null (expected: a bitmap)");
      }
    }
  }

  /**
   * Which bits to force ({@code filter}) and to what ({@code value}): Firecracker's {@code
   * RegisterValueFilter}, written {@code 0b10x1} with {@code x} for a bit left as the host has it.
   */
  public record BitFilter(long filter, long value) {
    public BitFilter {
      if ((value & ~filter) != 0) {
        throw ConfigException.of(
            "bitmap", "value 0x" + Long.toHexString(value), "only bits the filter forces");
      }
    }

    public long apply(long register) {
      return (register & ~filter) | value;
    }

    /** The template's spelling, most significant bit first, {@code x} for bits not forced. */
    public String bits(int width) {
      StringBuilder s = new StringBuilder("0b");
      for (int i = width - 1; i >= 0; i--) {
        long bit = 1L << i;
        s.append((filter & bit) == 0 ? 'x' : (value & bit) == 0 ? '0' : '1');
      }
      return s.toString();
    }
  }
}
