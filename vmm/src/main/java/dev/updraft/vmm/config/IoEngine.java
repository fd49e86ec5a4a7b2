package dev.updraft.vmm.config;

/** A drive's {@code io_engine}: blocking reads and writes, or asynchronous (io_uring) I/O. */
public enum IoEngine implements WireNamed {
  SYNC("Sync"),
  ASYNC("Async");

  private final String wireName;

  IoEngine(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }
}
