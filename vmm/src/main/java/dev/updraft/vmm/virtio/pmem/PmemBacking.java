package dev.updraft.vmm.virtio.pmem;

/**
 * The host file behind a pmem device as the device model sees it: how long it is and a way to make
 * the guest's stores durable. The mapping itself (and the KVM memory slot that puts it in guest
 * physical memory) belongs to the core; the device never touches the guest's view of the file.
 */
public interface PmemBacking {
  /** The file's length in bytes, the part of the region a flush writes back. */
  long fileLength();

  /**
   * Writes the guest's stores to the file and returns once they are on stable storage (msync with
   * MS_SYNC over the mapped file).
   *
   * @throws RuntimeException if the host could not (the guest is told FAILURE)
   */
  void sync();
}
