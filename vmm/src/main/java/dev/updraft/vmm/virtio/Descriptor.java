package dev.updraft.vmm.virtio;

/**
 * One buffer of a descriptor chain, already checked to lie inside one guest memory region.
 *
 * @param address guest physical address of the buffer
 * @param length its size in bytes
 * @param writable whether the device writes it (VIRTQ_DESC_F_WRITE) rather than reads it
 */
public record Descriptor(long address, int length, boolean writable) {
  public Descriptor {
    if (address < 0) {
      throw new IllegalArgumentException(
          "address: 0x" + Long.toHexString(address) + " (expected: inside guest memory)");
    }
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
  }
}
