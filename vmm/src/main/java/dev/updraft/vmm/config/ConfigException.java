package dev.updraft.vmm.config;

import dev.updraft.sys.Printable;
import java.io.Serial;
import java.util.function.Supplier;

/**
 * A configuration value is invalid. The message names the field, the value and what was expected,
 * e.g. {@code "vcpu_count: 33 (expected: 1 to 32)"}, using the JSON field names of Firecracker's
 * API so that it reads right both as an API fault message and for a configuration file.
 */
public final class ConfigException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(Printable.escape(message));
  }

  /** {@code "<field>: <value> (expected: <expected>)"}. */
  public static ConfigException of(String field, Object value, String expected) {
    return new ConfigException(field + ": " + value + " (expected: " + expected + ")");
  }

  /**
   * {@code value.get()}, with an {@link IllegalArgumentException} reported as a ConfigException of
   * the same message. For the device-level value types configuration holds (e.g. {@code
   * MacAddress}): they validate in their constructors without knowing this package, and their
   * messages already name the JSON field.
   */
  public static <T> T checking(Supplier<T> value) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      ConfigException invalid = new ConfigException(e.getMessage());
      invalid.initCause(e);
      throw invalid;
    }
  }

  /** The same error with a location in front, e.g. {@code drives[1]}. */
  public ConfigException at(String location) {
    return new ConfigException(location + ": " + getMessage());
  }
}
