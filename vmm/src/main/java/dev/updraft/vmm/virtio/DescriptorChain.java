package dev.updraft.vmm.virtio;

import java.util.List;
import java.util.Objects;

/**
 * A well-formed descriptor chain: at most queue-size descriptors, each inside guest memory, with a
 * total length that fits the used ring's 32-bit length field. Whether readable buffers come before
 * writable ones, and how many of each a request needs, is the device's business.
 *
 * @param head index of the first descriptor
 * @param descriptors the buffers in chain order
 */
public record DescriptorChain(int head, List<Descriptor> descriptors) implements QueueEntry {
  public DescriptorChain {
    if (head < 0) {
      throw new IllegalArgumentException("head: " + head + " (expected: >= 0)");
    }
    descriptors = List.copyOf(Objects.requireNonNull(descriptors, "descriptors"));
    if (descriptors.isEmpty()) {
      throw new IllegalArgumentException("descriptors: none (expected: at least one)");
    }
  }

  /** Whether the device may only read every buffer (a request or a frame to send). */
  public boolean allReadable() {
    return descriptors.stream().noneMatch(Descriptor::writable);
  }

  /** Whether the device may write every buffer (space to receive into). */
  public boolean allWritable() {
    return descriptors.stream().allMatch(Descriptor::writable);
  }

  /** The sum of all buffer lengths (at most 2^32 - 1, checked when the chain was read). */
  public long totalLength() {
    return GuestBuffers.length(descriptors);
  }
}
