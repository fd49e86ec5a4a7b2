package dev.updraft.vmm.virtio;

/**
 * A descriptor chain that the device refuses: it is returned to the driver with length 0 and none
 * of its buffers are touched. Only the head index is trusted, because it was checked.
 *
 * @param head index of the chain's first descriptor
 * @param reason what is wrong, for counters and logs
 */
public record BadChain(int head, String reason) implements QueueEntry {
  public BadChain {
    if (head < 0) {
      throw new IllegalArgumentException("head: " + head + " (expected: >= 0)");
    }
  }
}
