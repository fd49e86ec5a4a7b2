package dev.updraft.mesh.conformance;

import java.util.List;

/**
 * What a strict reader took from a byte stream: the complete messages, then how the stream ended.
 *
 * @param messages complete messages in order
 * @param end where reading stopped
 * @param error why the bytes after the last message are invalid ({@link End#ERROR} only)
 * @param partialStatus for responses: the status of a response whose head arrived but whose body
 *     did not finish, or 0
 */
record Parsed<T>(List<T> messages, End end, String error, int partialStatus) {
  /** How the bytes after the last complete message look to a strict reader. */
  enum End {
    /** Nothing after the last message. */
    CLEAN,
    /** A valid beginning of another message. */
    PARTIAL,
    /** Bytes no valid message starts or continues with. */
    ERROR
  }

  Parsed {
    messages = List.copyOf(messages);
  }
}
