package dev.updraft.vmm.boot;

import java.io.Serial;
import java.util.Objects;

/**
 * A kernel, initrd or command line that cannot boot. Images come from users and may be truncated,
 * corrupt or crafted, so every check names the offending field, its value and what was expected:
 * {@code "e_machine: 40 (expected: 62, x86-64)"}.
 */
public final class BootException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String field;

  public BootException(String field, String value, String expected) {
    this(field, value, expected, null);
  }

  public BootException(String field, String value, String expected, Throwable cause) {
    super(field + ": " + value + " (expected: " + expected + ")", cause);
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The name of the field that failed its check, e.g. {@code p_offset} or {@code initrd size}. */
  public String field() {
    return field;
  }

  static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }
}
