package dev.updraft.vmm.config;

/** What backs guest memory: {@code huge_pages} in {@code /machine-config}. */
public enum HugePages implements WireNamed {
  /** Regular 4 KiB pages. */
  NONE("None"),
  /** Transparent huge pages, through {@code madvise(MADV_HUGEPAGE)}. */
  TRANSPARENT("Transparent"),
  /** Explicit 2 MiB hugetlbfs pages; the memory size must be a multiple of 2 MiB. */
  HUGETLBFS_2M("2M");

  private final String wireName;

  HugePages(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }
}
