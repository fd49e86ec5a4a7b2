package dev.updraft.console.vm;

/** A microVM's API socket did not answer, or not as the Firecracker API does. */
public final class VmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VmException(String message) {
    super(message);
  }
}
