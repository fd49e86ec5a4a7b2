package dev.updraft.deploy.journal;

import dev.updraft.deploy.json.Word;

/**
 * How a release stands. Written in the journal, in {@code history}, {@code status} and {@code
 * --json} as its word, the words every earlier updraft wrote.
 */
public enum ReleaseStatus implements Word {
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

  @Override
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
    return Word.parse(ReleaseStatus.class, "status", word);
  }
}
