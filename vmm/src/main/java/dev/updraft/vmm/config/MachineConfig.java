package dev.updraft.vmm.config;

import java.util.Objects;

/**
 * {@code /machine-config}: vCPUs, memory and how memory and CPUID are presented to the guest.
 *
 * @param vcpuCount 1 to 32; with {@code smt}, 1 or an even number
 * @param memSizeMib guest memory in MiB, at least 1; a multiple of 2 with 2M huge pages
 * @param smt whether vCPUs are presented as hyper-thread siblings (x86 only)
 * @param trackDirtyPages whether KVM logs dirty pages (for diff snapshots)
 * @param hugePages what backs guest memory
 * @param cpuTemplate a deprecated static CPU template, {@link CpuTemplate#NONE} for none
 */
public record MachineConfig(
    int vcpuCount,
    int memSizeMib,
    boolean smt,
    boolean trackDirtyPages,
    HugePages hugePages,
    CpuTemplate cpuTemplate) {
  public static final int MAX_VCPUS = 32;
  public static final int DEFAULT_MEM_SIZE_MIB = 128;

  /** Firecracker's defaults: 1 vCPU, 128 MiB, no SMT, no dirty tracking, 4 KiB pages. */
  public static final MachineConfig DEFAULT =
      new MachineConfig(1, DEFAULT_MEM_SIZE_MIB, false, false, HugePages.NONE, CpuTemplate.NONE);

  public MachineConfig {
    if (vcpuCount < 1 || vcpuCount > MAX_VCPUS) {
      throw ConfigException.of("vcpu_count", vcpuCount, "1 to " + MAX_VCPUS);
    }
    if (smt && vcpuCount > 1 && vcpuCount % 2 != 0) {
      throw ConfigException.of("vcpu_count", vcpuCount, "1 or an even number when smt is true");
    }
    if (memSizeMib < 1) {
      throw ConfigException.of("mem_size_mib", memSizeMib, "at least 1");
    }
    Objects.requireNonNull(hugePages, "huge_pages");
    Objects.requireNonNull(cpuTemplate, "cpu_template");
    if (hugePages == HugePages.HUGETLBFS_2M && memSizeMib % 2 != 0) {
      throw ConfigException.of("mem_size_mib", memSizeMib, "a multiple of 2 with huge_pages 2M");
    }
  }

  /** This configuration with the fields {@code update} sets replaced (PATCH semantics). */
  public MachineConfig with(MachineConfigUpdate update) {
    return new MachineConfig(
        or(update.vcpuCount(), vcpuCount),
        or(update.memSizeMib(), memSizeMib),
        or(update.smt(), smt),
        or(update.trackDirtyPages(), trackDirtyPages),
        or(update.hugePages(), hugePages),
        or(update.cpuTemplate(), cpuTemplate));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
