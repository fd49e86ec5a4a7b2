package dev.updraft.mesh.http;

import java.io.PrintStream;
import java.time.Instant;

/** One JSON line per finished request (Linkerd's {@code LINKERD2_PROXY_ACCESS_LOG=json}). */
public final class AccessLog {
  private final PrintStream out;

  public AccessLog(PrintStream out) {
    this.out = out;
  }

  /** Writes the line; called off the hot path's critical section, once per request. */
  public void log(
      String method,
      String uri,
      String authority,
      int status,
      String route,
      String endpoint,
      long durationMicros,
      String error) {
    StringBuilder line = new StringBuilder(192);
    line.append("{\"timestamp\":\"").append(Instant.now()).append('"');
    field(line, "method", method);
    field(line, "uri", uri);
    field(line, "authority", authority);
    line.append(",\"status\":").append(status);
    field(line, "route", route);
    field(line, "endpoint", endpoint);
    line.append(",\"duration_us\":").append(durationMicros);
    if (error != null && !error.isEmpty()) {
      field(line, "error", error);
    }
    line.append('}');
    synchronized (out) {
      out.println(line);
    }
  }

  private static void field(StringBuilder line, String name, String value) {
    line.append(",\"").append(name).append("\":");
    if (value == null) {
      line.append("null");
      return;
    }
    line.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> line.append("\\\"");
        case '\\' -> line.append("\\\\");
        default -> {
          if (c < 0x20) {
            line.append(String.format("\\u%04x", (int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    line.append('"');
  }
}
