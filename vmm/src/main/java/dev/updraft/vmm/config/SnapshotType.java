package dev.updraft.vmm.config;

/** {@code snapshot_type} of {@code PUT /snapshot/create}. */
public enum SnapshotType implements WireNamed {
  /** All of guest memory. */
  FULL("Full"),
  /** Only the pages written since the last snapshot (or since boot or load), sparse. */
  DIFF("Diff");

  private final String wireName;

  SnapshotType(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }
}
