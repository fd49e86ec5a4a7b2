package dev.updraft.sys;

/**
 * Text a peer sent, made safe to quote in a one-line message: error messages end up in log lines
 * and response bodies, so a control character in a value (a newline in a field name, say) must not
 * split the line or forge another one.
 */
public final class Printable {
  private Printable() {}

  /** {@code text} with every control character (and U+2028, U+2029) as a {@code \}{@code uXXXX}. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
