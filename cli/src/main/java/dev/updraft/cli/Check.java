package dev.updraft.cli;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.updraft.deploy.json.Word;
import java.util.Objects;

/**
 * One line of {@code updraft doctor}: what was checked, how it went, what was found, and what to do
 * about it.
 */
record Check(Check.Area area, String name, Status status, String detail, String hint) {
  /** The part of updraft a check is for, in the order doctor groups them. */
  enum Area implements Word {
    RUNTIME,
    VM,
    NETWORK,
    MESH,
    DEPLOY;

    @JsonValue
    @Override
    public String word() {
      return Word.super.word();
    }
  }

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

  static Check ok(Area area, String name, String detail) {
    return new Check(area, name, Status.OK, detail, "");
  }

  static Check warn(Area area, String name, String detail, String hint) {
    return new Check(area, name, Status.WARN, detail, hint);
  }

  static Check missing(Area area, String name, String detail, String hint) {
    return new Check(area, name, Status.MISSING, detail, hint);
  }
}
