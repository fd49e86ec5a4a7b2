package dev.updraft.deploy.journal;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a release does. Written in the journal, in {@code history} and {@code --json} as its word
 * ({@code apply}, {@code rollback}, {@code destroy}), the words every earlier updraft wrote.
 */
public enum ReleaseKind {
  APPLY,
  ROLLBACK,
  DESTROY;

  /** The word in the journal and in output. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return word();
  }

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static ReleaseKind parse(String word) {
    for (ReleaseKind kind : values()) {
      if (kind.word().equals(word)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "kind: " + word + " (expected one of " + Arrays.toString(values()) + ")");
  }
}
