package dev.updraft.mesh.identity;

import java.io.Serial;

/**
 * An identity request that cannot be honoured (a bad CSR, a token that proves nothing, a chain that
 * does not lead to a trust anchor), with a message naming the field, the value and what was
 * expected.
 */
public final class IdentityException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public IdentityException(String message) {
    super(message);
  }

  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
