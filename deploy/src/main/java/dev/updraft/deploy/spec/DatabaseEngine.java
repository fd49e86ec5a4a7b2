package dev.updraft.deploy.spec;

import dev.updraft.deploy.json.Word;

/**
 * The database servers a spec can ask for, written in {@code engine:} as {@code postgres} or {@code
 * redis}.
 */
public enum DatabaseEngine implements Word {
  POSTGRES,
  REDIS;

  /** The server's own name, as its users know it. */
  public String product() {
    return switch (this) {
      case POSTGRES -> "PostgreSQL";
      case REDIS -> "Redis";
    };
  }

  @Override
  public String toString() {
    return word();
  }

  /**
   * @throws IllegalArgumentException naming the word and the words expected
   */
  public static DatabaseEngine parse(String word) {
    return Word.parse(DatabaseEngine.class, "engine", word);
  }
}
