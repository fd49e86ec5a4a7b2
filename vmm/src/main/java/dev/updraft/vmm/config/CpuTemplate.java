package dev.updraft.vmm.config;

/**
 * Firecracker's deprecated static CPU templates ({@code cpu_template}): named CPUID and MSR masks
 * that make different hosts look alike to the guest. {@link #NONE} passes the host's features.
 */
public enum CpuTemplate implements WireNamed {
  C3("C3"),
  T2("T2"),
  T2S("T2S"),
  T2CL("T2CL"),
  T2A("T2A"),
  V1N1("V1N1"),
  NONE("None");

  private final String wireName;

  CpuTemplate(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }
}
