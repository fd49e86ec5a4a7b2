package dev.updraft.vmm.config;

import java.util.Arrays;
import java.util.function.Function;
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
    return parse(type, WireNamed::wireName, field, value, ignoreCase);
  }

  /**
   * The same for an enum that has a wire spelling without implementing this interface: a
   * device-level type the configuration holds (e.g. {@code CacheType}), which may not depend on
   * this package.
   */
  static <E extends Enum<E>> E parse(
      Class<E> type,
      Function<? super E, String> wireName,
      String field,
      String value,
      boolean ignoreCase) {
    for (E constant : type.getEnumConstants()) {
      String name = wireName.apply(constant);
      if (ignoreCase ? name.equalsIgnoreCase(value) : name.equals(value)) {
        return constant;
      }
    }
    throw ConfigException.of(field, '"' + value + '"', "one of " + names(type, wireName));
  }

  /** The accepted spellings, comma-separated, for messages. */
  private static <E extends Enum<E>> String names(
      Class<E> type, Function<? super E, String> wireName) {
    return Arrays.stream(type.getEnumConstants()).map(wireName).collect(Collectors.joining(", "));
  }
}
