package dev.updraft.deploy.spec;

import dev.updraft.deploy.json.Word;

/**
 * The kinds of service a spec declares, one per section ({@code applications}, {@code containers},
 * {@code jobs}, {@code databases}, {@code routers}). Written in the journal, in {@code plan},
 * {@code status} and {@code --json} as its word, the words every earlier updraft wrote.
 */
public enum ServiceKind implements Word {
  APPLICATION,
  CONTAINER,
  JOB,
  DATABASE,
  ROUTER;

  @Override
  public String toString() {
    return word();
  }

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static ServiceKind parse(String word) {
    return Word.parse(ServiceKind.class, "kind", word);
  }
}
