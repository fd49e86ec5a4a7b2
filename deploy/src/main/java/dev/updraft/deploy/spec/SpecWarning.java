package dev.updraft.deploy.spec;

/**
 * Something in a valid spec that will not work as meant where it deploys, known before anything
 * runs: an image no cluster can pull as named, a base image without what the command runs.
 *
 * @param field the spec field it is about, e.g. {@code applications.catalog.baseImage}
 * @param reason a short name for machines, e.g. {@code NoRegistry}, {@code NoRuntime}
 * @param message what is wrong, in one sentence
 * @param hint what to do about it
 */
public record SpecWarning(String field, String reason, String message, String hint) {
  public SpecWarning {
    if (field == null || reason == null || message == null || hint == null) {
      throw new IllegalArgumentException(
          "warning: " + field + " " + reason + " (expected: field, reason, message and hint)");
    }
  }

  /** The warning on one line: {@code field: message (hint: ...)}. */
  @Override
  public String toString() {
    return field + ": " + message + " (hint: " + hint + ")";
  }
}
