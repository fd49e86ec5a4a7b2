package dev.updraft.vmm.arch;

import java.util.Objects;

/**
 * One entry of the guest memory map, as both the Linux zero page (e820) and the PVH memory map
 * carry it.
 *
 * @param address first guest physical address
 * @param size length in bytes
 * @param type what the guest may do with the range
 */
public record E820Entry(long address, long size, Type type) {
  /** The entry types Firecracker emits; the numbers are the e820 and PVH ABI values. */
  public enum Type {
    RAM(1),
    RESERVED(2);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    /** The value written into guest memory. */
    public int code() {
      return code;
    }
  }

  public E820Entry {
    Objects.requireNonNull(type, "type");
    if (address < 0) {
      throw new IllegalArgumentException("address: " + address + " (expected: >= 0)");
    }
    if (size <= 0 || address + size < address) {
      throw new IllegalArgumentException("size: " + size + " (expected: > 0, no wrap-around)");
    }
  }

  /** One past the last address. */
  public long end() {
    return address + size;
  }
}
