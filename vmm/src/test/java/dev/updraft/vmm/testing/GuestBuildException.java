package dev.updraft.vmm.testing;

/** A test guest could not be built: gcc is missing, or it rejected the sources. */
public final class GuestBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GuestBuildException(String message) {
    super(message);
  }

  public GuestBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
