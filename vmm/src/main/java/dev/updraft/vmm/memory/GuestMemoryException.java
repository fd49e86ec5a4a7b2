package dev.updraft.vmm.memory;

import java.io.Serial;

/**
 * An access outside guest RAM. Guests and their drivers produce such addresses (by mistake or on
 * purpose), so devices catch this and fail the request, never the VMM.
 */
public final class GuestMemoryException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final long address;
  private final long length;

  public GuestMemoryException(long address, long length) {
    super(
        "guest address: 0x"
            + Long.toHexString(address)
            + " length "
            + length
            + " (expected: inside one guest memory region)");
    this.address = address;
    this.length = length;
  }

  public long address() {
    return address;
  }

  public long length() {
    return length;
  }
}
