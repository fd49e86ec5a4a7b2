package dev.updraft.vmm.seccomp;

import java.io.Serial;

/** A filter document or rule that cannot be used; the message names the field and the value. */
public final class SeccompException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public SeccompException(String message) {
    super(message);
  }

  static SeccompException of(String field, Object value, String expected) {
    return new SeccompException(field + ": " + value + " (expected: " + expected + ")");
  }
}
