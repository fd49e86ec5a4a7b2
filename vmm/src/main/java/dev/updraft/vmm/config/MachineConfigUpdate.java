package dev.updraft.vmm.config;

/**
 * A change to {@link MachineConfig}: each non-null field replaces the current value. {@code PATCH
 * /machine-config} sets what the request names; {@code PUT} sets every field (omitted optional ones
 * to their defaults) through {@link #replacing(MachineConfig)}.
 */
public record MachineConfigUpdate(
    Integer vcpuCount,
    Integer memSizeMib,
    Boolean smt,
    Boolean trackDirtyPages,
    HugePages hugePages,
    CpuTemplate cpuTemplate) {

  /** An update that replaces every field with {@code config}'s. */
  public static MachineConfigUpdate replacing(MachineConfig config) {
    return new MachineConfigUpdate(
        config.vcpuCount(),
        config.memSizeMib(),
        config.smt(),
        config.trackDirtyPages(),
        config.hugePages(),
        config.cpuTemplate());
  }

  /** Whether the update changes nothing (an empty PATCH, which Firecracker rejects). */
  public boolean isEmpty() {
    return vcpuCount == null
        && memSizeMib == null
        && smt == null
        && trackDirtyPages == null
        && hugePages == null
        && cpuTemplate == null;
  }
}
