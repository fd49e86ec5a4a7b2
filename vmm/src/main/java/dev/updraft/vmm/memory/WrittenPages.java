package dev.updraft.vmm.memory;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The 4 KiB pages of one memory region that the VMM wrote (device DMA, used rings, the loaders):
 * KVM's dirty log sees only the guest's own writes, so a diff snapshot needs both. Writers on any
 * thread set bits; the snapshot takes and clears them while the VM is paused.
 */
final class WrittenPages {
  static final int PAGE_SHIFT = 12;

  private final AtomicLongArray bits;
  private final long pages;

  WrittenPages(long regionBytes) {
    this.pages = (regionBytes + (1 << PAGE_SHIFT) - 1) >>> PAGE_SHIFT;
    this.bits = new AtomicLongArray((int) ((pages + 63) / 64));
  }

  /** Marks every page {@code [offset, offset+length)} touches. */
  void mark(long offset, long length) {
    if (length <= 0) {
      return;
    }
    long first = offset >>> PAGE_SHIFT;
    long last = (offset + length - 1) >>> PAGE_SHIFT;
    for (long page = first; page <= last; page++) {
      int word = (int) (page >>> 6);
      long bit = 1L << (page & 63);
      // Most writes hit pages already marked: a plain read spares the atomic update.
      if ((bits.get(word) & bit) == 0) {
        bits.getAndAccumulate(word, bit, (a, b) -> a | b);
      }
    }
  }

  /** The marks as bitmap words (page i is bit i % 64 of word i / 64), cleared as they are read. */
  long[] take() {
    long[] words = new long[bits.length()];
    for (int i = 0; i < words.length; i++) {
      words[i] = bits.getAndSet(i, 0);
    }
    return words;
  }

  long pages() {
    return pages;
  }
}
