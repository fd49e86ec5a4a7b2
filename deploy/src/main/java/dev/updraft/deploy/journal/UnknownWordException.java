package dev.updraft.deploy.journal;

import java.io.IOException;

/**
 * A journal line that is whole but names a kind or status this updraft does not know, as a newer
 * updraft or a damaged disk writes it. Unlike a torn last line it is not cut off: the journal is
 * refused as it stands, and nothing after the line is lost.
 */
final class UnknownWordException extends IOException {
  private static final long serialVersionUID = 1L;

  UnknownWordException(String message) {
    super(message + " (written by a newer updraft?); the journal is left as it is");
  }
}
