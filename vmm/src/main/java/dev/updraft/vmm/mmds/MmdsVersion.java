package dev.updraft.vmm.mmds;

/** How the guest gets at the metadata: V1 without session tokens (deprecated), V2 with them. */
public enum MmdsVersion {
  V1,
  V2;

  /** The name in {@code PUT /mmds/config}'s {@code version} field. */
  public String wireName() {
    return name();
  }
}
