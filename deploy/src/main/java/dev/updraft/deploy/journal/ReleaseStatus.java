package dev.updraft.deploy.journal;

import java.util.Arrays;

/**
 * How a release stands. Written in the journal, in {@code history}, {@code status} and {@code
 * --json} as its word, the words every earlier updraft wrote.
 */
public enum ReleaseStatus {
  /** Started and not finished: running now, or left so by a crash. */
  IN_PROGRESS("in-progress"),
  SUCCEEDED("succeeded"),
  FAILED("failed"),
  /** Found unfinished by a later run, which converged to its own spec instead. */
  INTERRUPTED("interrupted");

  private final String word;

  ReleaseStatus(String word) {
    this.word = word;
  }

  /** The word in the journal and in output. */
  public String word() {
    return word;
  }

  @Override
  public String toString() {
    return word;
  }

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static ReleaseStatus parse(String word) {
    for (ReleaseStatus status : values()) {
      if (status.word.equals(word)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "status: " + word + " (expected one of " + Arrays.toString(values()) + ")");
  }
}
