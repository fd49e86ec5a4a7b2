package dev.updraft.console.html;

import com.google.common.html.HtmlEscapers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The page frame and the few helpers every page uses. Values reach HTML only through {@link #e}
 * (Guava's escaper for text and attribute values) and URLs only through {@link #u}.
 */
public final class Html {
  private Html() {}

  /** Escapes text for an HTML text node or a quoted attribute value. */
  public static String e(Object value) {
    return HtmlEscapers.htmlEscaper().escape(value == null ? "" : String.valueOf(value));
  }

  /** Encodes one path segment or query value. */
  public static String u(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A whole page: {@code body} must already be HTML. {@code refresh} seconds, 0 for none. */
  public static String page(String title, String current, String body, int refresh) {
    String meta = refresh > 0 ? "<meta http-equiv=\"refresh\" content=\"" + refresh + "\">\n" : "";
    return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        %s<title>%s · updraft console</title>
        <link rel="stylesheet" href="/assets/console.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><nav aria-label="Main">
        <a class="brand" href="/">updraft console</a>
        <a href="/"%s>Environments</a>
        <a href="/vms"%s>MicroVMs</a>
        </nav></header>
        <main id="main">
        %s
        </main>
        </body>
        </html>
        """
        .formatted(
            meta,
            e(title),
            current.equals("environments") ? " aria-current=\"page\"" : "",
            current.equals("vms") ? " aria-current=\"page\"" : "",
            body);
  }

  /** A POST form of one button, carrying the CSRF token and {@code hidden} name/value pairs. */
  public static String button(String action, String label, String csrf, String... hidden) {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i + 1 < hidden.length; i += 2) {
      fields.append(
          "<input type=\"hidden\" name=\"%s\" value=\"%s\">"
              .formatted(e(hidden[i]), e(hidden[i + 1])));
    }
    return """
        <form method="post" action="%s" class="inline">\
        <input type="hidden" name="csrf" value="%s">%s\
        <button type="submit">%s</button></form>"""
        .formatted(e(action), e(csrf), fields, e(label));
  }

  /** A duration as people read it: {@code 850 ms}, {@code 12.4 s}, {@code 3 min 5 s}. */
  public static String duration(long millis) {
    if (millis < 0) {
      return "—";
    }
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    Duration d = Duration.ofMillis(millis);
    return d.toHours() > 0
        ? d.toHours() + " h " + d.toMinutesPart() + " min"
        : d.toMinutes() + " min " + d.toSecondsPart() + " s";
  }

  /** A status word as a badge whose class colours it (and whose text says it, for everyone). */
  public static String badge(String status) {
    String kind =
        switch (status) {
          case "succeeded", "running", "done", "Running", "unchanged", "closed" -> "good";
          case "failed", "not running", "unreachable", "interrupted", "open" -> "bad";
          case "in-progress", "restarting", "Paused", "rolled-back", "rolled_back", "probing" ->
              "warn";
          default -> "neutral";
        };
    return "<span class=\"badge " + kind + "\">" + e(status) + "</span>";
  }
}
