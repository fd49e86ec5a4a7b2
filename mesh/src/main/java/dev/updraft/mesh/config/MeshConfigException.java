package dev.updraft.mesh.config;

import java.io.Serial;

/** A configuration mistake, with a message naming the field, the value and what was expected. */
public final class MeshConfigException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public MeshConfigException(String message) {
    super(message);
  }

  public MeshConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
