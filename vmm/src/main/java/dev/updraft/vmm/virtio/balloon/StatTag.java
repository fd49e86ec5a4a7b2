package dev.updraft.vmm.virtio.balloon;

/**
 * The statistics a balloon driver reports, by their tag on the stats queue (virtio 1.2 section
 * 5.5.6.3, and the Linux tags past it that Firecracker reads), with the name {@code GET
 * /balloon/statistics} gives each.
 */
public enum StatTag {
  SWAP_IN(0, "swap_in"),
  SWAP_OUT(1, "swap_out"),
  MAJOR_FAULTS(2, "major_faults"),
  MINOR_FAULTS(3, "minor_faults"),
  FREE_MEMORY(4, "free_memory"),
  TOTAL_MEMORY(5, "total_memory"),
  AVAILABLE_MEMORY(6, "available_memory"),
  DISK_CACHES(7, "disk_caches"),
  HUGETLB_ALLOCATIONS(8, "hugetlb_allocations"),
  HUGETLB_FAILURES(9, "hugetlb_failures"),
  OOM_KILL(10, "oom_kill"),
  ALLOC_STALL(11, "alloc_stall"),
  ASYNC_SCAN(12, "async_scan"),
  DIRECT_SCAN(13, "direct_scan"),
  ASYNC_RECLAIM(14, "async_reclaim"),
  DIRECT_RECLAIM(15, "direct_reclaim");

  private final int tag;
  private final String wireName;

  StatTag(int tag, String wireName) {
    this.tag = tag;
    this.wireName = wireName;
  }

  /** The field name in the statistics JSON. */
  public String wireName() {
    return wireName;
  }

  /** The tag on the wire. */
  public int tag() {
    return tag;
  }

  /** The statistic with {@code tag}, or null for one this VMM does not know. */
  public static StatTag of(int tag) {
    for (StatTag t : values()) {
      if (t.tag == tag) {
        return t;
      }
    }
    return null;
  }
}
