package dev.updraft.vmm.config;

/** A drive's {@code cache_type}: whether the guest's flush requests reach the host file. */
public enum CacheType implements WireNamed {
  /** Flush is not offered to the guest; data reaches the disk when the host page cache decides. */
  UNSAFE("Unsafe"),
  /** Flush is offered and honoured with {@code fdatasync} on the backing file. */
  WRITEBACK("Writeback");

  private final String wireName;

  CacheType(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }
}
