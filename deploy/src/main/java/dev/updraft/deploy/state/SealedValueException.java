package dev.updraft.deploy.state;

import java.io.Serial;

/** A sealed value that cannot be opened, or a key file that is not one. */
public final class SealedValueException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public SealedValueException(String message) {
    super(message);
  }
}
