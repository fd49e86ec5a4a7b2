package dev.updraft.mesh.metrics;

import java.util.Arrays;

/** An immutable list of label values, used as a map key; rendered with Prometheus escaping. */
final class Labels {
  private final String[] values;
  private final int hash;

  Labels(String[] values) {
    this.values = values.clone();
    this.hash = Arrays.hashCode(this.values);
  }

  String[] values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** {@code {a="1",b="2"}} for the given names, plus an optional extra pair; empty if none. */
  static void render(StringBuilder out, String[] names, String[] values, String extra) {
    if (names.length == 0 && extra == null) {
      return;
    }
    out.append('{');
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(names[i]).append("=\"");
      escape(out, values[i]);
      out.append('"');
    }
    if (extra != null) {
      if (names.length > 0) {
        out.append(',');
      }
      out.append(extra);
    }
    out.append('}');
  }

  private static void escape(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
