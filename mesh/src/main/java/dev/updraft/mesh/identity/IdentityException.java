package dev.updraft.mesh.identity;

import dev.updraft.sys.Printable;
import java.io.Serial;

/**
 * An identity request that cannot be honoured (a bad CSR, a token that proves nothing, a chain that
 * does not lead to a trust anchor), with a message naming the field, the value and what was
 * expected.
 *
 * <p>Messages quote values a peer sent, and they end up in log lines and in response bodies, so
 * control characters are escaped here, once for every message: a peer cannot forge a log line.
 */
public final class IdentityException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public IdentityException(String message) {
    super(Printable.escape(message));
  }

  public IdentityException(String message, Throwable cause) {
    super(Printable.escape(message), cause);
  }
}
