package dev.updraft.vmm.boot;

/**
 * One segment register as KVM's {@code struct kvm_segment} holds it, decoded from a GDT entry the
 * way Firecracker's {@code kvm_segment_from_gdt} does.
 *
 * @param base linear base address
 * @param limit byte-granular limit: a page-granular descriptor limit is already scaled (0xFFFFF
 *     with G=1 is 0xFFFFFFFF), which is what KVM_SET_SREGS expects
 * @param selector GDT index times 8
 * @param type the 4-bit descriptor type (0xB: execute/read accessed code, 0x3: read/write accessed
 *     data, 0xB as a system segment: busy TSS)
 * @param present P
 * @param dpl descriptor privilege level, 0..3
 * @param db D/B: 32-bit default operand size
 * @param s S: code or data rather than a system segment
 * @param l L: 64-bit code
 * @param g G: limit counts 4 KiB pages
 * @param avl AVL
 * @param unusable KVM's marker for a segment that is not present
 */
public record Segment(
    long base,
    long limit,
    int selector,
    int type,
    boolean present,
    int dpl,
    boolean db,
    boolean s,
    boolean l,
    boolean g,
    boolean avl,
    boolean unusable) {
  public Segment {
    if (limit < 0 || limit > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 0..0xffffffff)");
    }
    if (selector < 0 || selector > 0xFFFF) {
      throw new IllegalArgumentException("selector: " + selector + " (expected: 0..0xffff)");
    }
    if (type < 0 || type > 0xF) {
      throw new IllegalArgumentException("type: " + type + " (expected: 0..15)");
    }
    if (dpl < 0 || dpl > 3) {
      throw new IllegalArgumentException("dpl: " + dpl + " (expected: 0..3)");
    }
  }

  /**
   * A GDT descriptor from its flags word (e.g. 0xA09B), base and 20-bit limit (kernel GDT_ENTRY).
   */
  static long gdtEntry(int flags, long base, long limit) {
    return ((base & 0xFF00_0000L) << 32)
        | ((flags & 0xF0FFL) << 40)
        | ((limit & 0x000F_0000L) << 32)
        | ((base & 0x00FF_FFFFL) << 16)
        | (limit & 0xFFFFL);
  }

  /** The segment register loaded from {@code entry} at GDT index {@code index}. */
  static Segment fromGdtEntry(long entry, int index) {
    long base = ((entry >>> 32) & 0xFF00_0000L) | ((entry >>> 16) & 0x00FF_FFFFL);
    long rawLimit = ((entry >>> 32) & 0xF_0000L) | (entry & 0xFFFFL);
    boolean g = bit(entry, 55);
    boolean present = bit(entry, 47);
    return new Segment(
        base,
        g ? (rawLimit << 12) | 0xFFF : rawLimit,
        index * 8,
        (int) ((entry >>> 40) & 0xF),
        present,
        (int) ((entry >>> 45) & 0x3),
        bit(entry, 54),
        bit(entry, 44),
        bit(entry, 53),
        g,
        bit(entry, 52),
        !present);
  }

  private static boolean bit(long entry, int bit) {
    return ((entry >>> bit) & 1) != 0;
  }
}
