package dev.updraft.vmm.seccomp;

/**
 * The threads Firecracker filters separately, by their key in the JSON document. On a JVM the
 * {@code vmm} filter is the process-wide baseline (every thread, the JVM's own included); {@code
 * api} and {@code vcpu} are stacked on top of it on those threads.
 */
public enum ThreadKind {
  VMM("vmm"),
  API("api"),
  VCPU("vcpu");

  private final String key;

  ThreadKind(String key) {
    this.key = key;
  }

  /** The key of this kind's filter in a Firecracker filter document. */
  public String key() {
    return key;
  }
}
