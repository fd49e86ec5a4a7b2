package dev.updraft.vmm.virtio;

import java.io.Serial;

/**
 * The driver broke a ring beyond repair (an avail index that jumped past the queue size, a head
 * index outside the descriptor table). The device stops and sets DEVICE_NEEDS_RESET; only a reset
 * by the driver brings it back.
 */
public final class QueueCorruptedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public QueueCorruptedException(String message) {
    super(message);
  }
}
