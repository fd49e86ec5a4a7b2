package dev.updraft.sys.kvm;

/** A GDT or IDT register: base address and limit (size - 1). */
public record DescriptorTable(long base, int limit) {
  public DescriptorTable {
    if (limit < 0 || limit > 0xFFFF) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 0..0xFFFF)");
    }
  }
}
