package dev.updraft.deploy.journal;

import java.io.IOException;

/**
 * A journal line that is whole but holds a sealed value this state directory cannot open (its
 * {@code secrets.key} is missing or another one). Like an unknown word, and unlike a torn last
 * line, it is not cut off: the journal is refused as it stands, and nothing after the line is lost.
 */
final class SealedLineException extends IOException {
  private static final long serialVersionUID = 1L;

  SealedLineException(String message, Throwable cause) {
    super(message + "; the journal is left as it is", cause);
  }
}
