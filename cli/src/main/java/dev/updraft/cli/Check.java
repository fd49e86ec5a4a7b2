package dev.updraft.cli;

import java.util.Objects;

/**
 * One line of {@code updraft doctor}: what was checked, how it went, what was found, and what to do
 * about it.
 */
record Check(String area, String name, Status status, String detail, String hint) {
  enum Status {
    OK,
    WARN,
    MISSING
  }

  Check {
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
    hint = hint == null ? "" : hint;
  }

  static Check ok(String area, String name, String detail) {
    return new Check(area, name, Status.OK, detail, "");
  }

  static Check warn(String area, String name, String detail, String hint) {
    return new Check(area, name, Status.WARN, detail, hint);
  }

  static Check missing(String area, String name, String detail, String hint) {
    return new Check(area, name, Status.MISSING, detail, hint);
  }
}
