package dev.updraft.deploy.journal;

import dev.updraft.deploy.json.Word;

/**
 * How a step of a release stands. Written in the journal and in {@code --json} as its name in lower
 * case ({@code started}, {@code progress}, {@code done}, {@code unchanged}, {@code failed}, {@code
 * rolled_back}), the words every earlier updraft wrote.
 */
public enum StepOutcome implements Word {
  STARTED,
  /** An instance started, became healthy or was retired: a line of its own within the step. */
  PROGRESS,
  DONE,
  UNCHANGED,
  FAILED,
  ROLLED_BACK;

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static StepOutcome parse(String word) {
    return Word.parse(StepOutcome.class, "outcome", word);
  }
}
