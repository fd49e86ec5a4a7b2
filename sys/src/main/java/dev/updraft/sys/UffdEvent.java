package dev.updraft.sys;

/** What a {@link Userfaultfd} reports. */
public sealed interface UffdEvent {
  /** A thread touched {@code address}, whose page is missing; {@code flags} as the kernel sets. */
  record PageFault(long address, long flags) implements UffdEvent {}

  /**
   * {@code [start, end)} was discarded (madvise DONTNEED/REMOVE): later faults there want zeros.
   */
  record Remove(long start, long end) implements UffdEvent {}

  /** An event this handler does not act on (fork, remap, unmap). */
  record Other(int type) implements UffdEvent {}
}
