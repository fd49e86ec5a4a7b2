package dev.updraft.deploy.json;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A member of a closed set (an enum) that is written on disk and on the wire as a word. Code inside
 * holds the enum; only the edges that read and write lines turn it into its word and back.
 */
public interface Word {
  /** The enum constant's name ({@link Enum#name()}). */
  String name();

  /** The word on disk and on the wire: by default the name in lower case. */
  default String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The member of {@code type} written as {@code word}.
   *
   * @param field the field it was read from, named in the error
   * @throws IllegalArgumentException naming the field, the word and the words expected
   */
  static <E extends Enum<E> & Word> E parse(Class<E> type, String field, String word) {
    for (E member : type.getEnumConstants()) {
      if (member.word().equals(word)) {
        return member;
      }
    }
    throw new IllegalArgumentException(
        field + ": " + word + " (expected one of " + words(type) + ")");
  }

  /** The words of {@code type}, in the order it declares them. */
  static <E extends Enum<E> & Word> List<String> words(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Word::word).toList();
  }
}
