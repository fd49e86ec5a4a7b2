package dev.updraft.vmm.virtio.block;

/** Firecracker's {@code cache_type} of a drive. */
public enum CacheType {
  /** No flush feature: the guest believes its writes are durable once written (the default). */
  UNSAFE,
  /** VIRTIO_BLK_F_FLUSH is offered and a flush request syncs the host file to disk. */
  WRITEBACK
}
