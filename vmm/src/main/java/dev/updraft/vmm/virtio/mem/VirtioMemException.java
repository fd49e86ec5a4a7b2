package dev.updraft.vmm.virtio.mem;

import java.io.Serial;

/** The device refuses a host request ({@code PATCH /hotplug/memory}); the message says why. */
public final class VirtioMemException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public VirtioMemException(String message) {
    super(message);
  }
}
