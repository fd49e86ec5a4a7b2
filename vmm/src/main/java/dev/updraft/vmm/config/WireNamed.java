package dev.updraft.vmm.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum constant with the spelling Firecracker's JSON uses for it, e.g. {@code "2M"}. */
public interface WireNamed {
  String wireName();

  /**
   * The constant of {@code type} spelled {@code value}; case-insensitively if {@code ignoreCase}.
   *
   * @throws ConfigException naming {@code field} and the accepted spellings
   */
  static <E extends Enum<E> & WireNamed> E parse(
      Class<E> type, String field, String value, boolean ignoreCase) {
    for (E constant : type.getEnumConstants()) {
      String name = constant.wireName();
      if (ignoreCase ? name.equalsIgnoreCase(value) : name.equals(value)) {
        return constant;
      }
    }
    throw ConfigException.of(field, '"' + value + '"', "one of " + names(type));
  }

  /** The accepted spellings, comma-separated, for messages. */
  private static <E extends Enum<E> & WireNamed> String names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(WireNamed::wireName)
        .collect(Collectors.joining(", "));
  }
}
