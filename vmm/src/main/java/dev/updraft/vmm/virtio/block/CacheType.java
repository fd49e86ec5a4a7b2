package dev.updraft.vmm.virtio.block;

/**
 * A drive's {@code cache_type}: whether the guest's flush requests reach the host file. The API's
 * {@code Drive} holds this type too, so it carries Firecracker's spelling of each value.
 */
public enum CacheType {
  /** No flush feature: the guest believes its writes are durable once written (the default). */
  UNSAFE("Unsafe"),
  /** VIRTIO_BLK_F_FLUSH is offered and a flush request syncs the host file to disk. */
  WRITEBACK("Writeback");

  private final String wireName;

  CacheType(String wireName) {
    this.wireName = wireName;
  }

  /** The value as Firecracker's JSON spells it, e.g. {@code "Unsafe"}. */
  public String wireName() {
    return wireName;
  }
}
