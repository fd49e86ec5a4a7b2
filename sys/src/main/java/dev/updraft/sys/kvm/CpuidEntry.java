package dev.updraft.sys.kvm;

/**
 * One {@code struct kvm_cpuid_entry2}: the values CPUID returns for {@code function} (EAX) and
 * {@code index} (ECX, meaningful when {@code flags} has {@link #FLAG_SIGNIFICANT_INDEX}).
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
  public static final int FLAG_SIGNIFICANT_INDEX = 1;

  public CpuidEntry withEax(int value) {
    return new CpuidEntry(function, index, flags, value, ebx, ecx, edx);
  }

  public CpuidEntry withEbx(int value) {
    return new CpuidEntry(function, index, flags, eax, value, ecx, edx);
  }

  public CpuidEntry withEcx(int value) {
    return new CpuidEntry(function, index, flags, eax, ebx, value, edx);
  }

  public CpuidEntry withEdx(int value) {
    return new CpuidEntry(function, index, flags, eax, ebx, ecx, value);
  }
}
