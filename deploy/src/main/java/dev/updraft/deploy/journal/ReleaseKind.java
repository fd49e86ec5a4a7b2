package dev.updraft.deploy.journal;

import dev.updraft.deploy.json.Word;

/**
 * What a release does. Written in the journal, in {@code history} and {@code --json} as its word
 * ({@code apply}, {@code rollback}, {@code destroy}), the words every earlier updraft wrote.
 */
public enum ReleaseKind implements Word {
  APPLY,
  ROLLBACK,
  DESTROY;

  @Override
  public String toString() {
    return word();
  }

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static ReleaseKind parse(String word) {
    return Word.parse(ReleaseKind.class, "kind", word);
  }
}
