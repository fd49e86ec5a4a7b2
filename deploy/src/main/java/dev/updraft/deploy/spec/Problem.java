package dev.updraft.deploy.spec;

import dev.updraft.sys.Printable;

/**
 * One mistake in a spec, with where it is and what was expected.
 *
 * @param file the spec file
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column
 * @param path the field path, e.g. {@code applications.catalog.port}
 * @param value the offending value as written, or null when a field is missing
 * @param expected what would have been accepted
 */
public record Problem(
    String file, int line, int column, String path, String value, String expected) {
  /** One line: a value may hold a line break (a block scalar, an escaped "\\n"), shown escaped. */
  @Override
  public String toString() {
    String where = line > 0 ? file + ":" + line + ":" + column : file;
    String what = value == null ? "missing" : "\"" + value + "\"";
    return Printable.escape(where + ": " + path + ": " + what + " (expected: " + expected + ")");
  }
}
