package dev.updraft.vmm.mmds;

import java.io.Serial;

/** A request the data store cannot take; the message is Firecracker's, with the numbers. */
public final class MmdsException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** What went wrong: the API turns it into a status (413 for a store that would overflow). */
  public enum Kind {
    LIMIT_EXCEEDED,
    NOT_INITIALIZED
  }

  private final Kind kind;

  public MmdsException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
