package dev.updraft.vmm.jailer;

import java.io.Serial;

/** The jail cannot be set up; the message is one line for the user. */
public final class JailerException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public JailerException(String message) {
    super(message);
  }

  static JailerException of(String flag, Object value, String expected) {
    return new JailerException(flag + ": \"" + value + "\" (expected: " + expected + ")");
  }
}
