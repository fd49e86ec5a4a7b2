package dev.updraft.sys.kvm;

/**
 * A segment register as KVM's {@code struct kvm_segment} holds it: the descriptor cache, not the
 * GDT entry.
 */
public record Segment(
    long base,
    int limit,
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
    if (selector < 0 || selector > 0xFFFF) {
      throw new IllegalArgumentException("selector: " + selector + " (expected: 0..0xFFFF)");
    }
    if (type < 0 || type > 15) {
      throw new IllegalArgumentException("type: " + type + " (expected: 0..15)");
    }
    if (dpl < 0 || dpl > 3) {
      throw new IllegalArgumentException("dpl: " + dpl + " (expected: 0..3)");
    }
  }
}
