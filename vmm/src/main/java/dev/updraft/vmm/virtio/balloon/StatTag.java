package dev.updraft.vmm.virtio.balloon;

/**
 * The statistics a balloon driver reports, by their tag on the stats queue (virtio 1.2 section
 * 5.5.6.3, and the Linux tags past it that Firecracker reads), with the name {@code GET
 * /balloon/statistics} gives each.
 */
public enum StatTag {
  SWAP_IN("swap_in"),
  SWAP_OUT("swap_out"),
  MAJOR_FAULTS("major_faults"),
  MINOR_FAULTS("minor_faults"),
  FREE_MEMORY("free_memory"),
  TOTAL_MEMORY("total_memory"),
  AVAILABLE_MEMORY("available_memory"),
  DISK_CACHES("disk_caches"),
  HUGETLB_ALLOCATIONS("hugetlb_allocations"),
  HUGETLB_FAILURES("hugetlb_failures"),
  OOM_KILL("oom_kill"),
  ALLOC_STALL("alloc_stall"),
  ASYNC_SCAN("async_scan"),
  DIRECT_SCAN("direct_scan"),
  ASYNC_RECLAIM("async_reclaim"),
  DIRECT_RECLAIM("direct_reclaim");

  private static final StatTag[] BY_TAG = values();

  private final String wireName;

  StatTag(String wireName) {
    this.wireName = wireName;
  }

  /** The field name in the statistics JSON. */
  public String wireName() {
    return wireName;
  }

  /** The tag on the wire: the declaration order is the tag order, 0 to 15. */
  public int tag() {
    return ordinal();
  }

  /** The statistic with {@code tag}, or null for one this VMM does not know. */
  public static StatTag of(int tag) {
    return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
  }
}
