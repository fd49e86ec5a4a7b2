package dev.updraft.console.html;

import dev.updraft.console.signals.Point;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Line charts as inline SVG, drawn on the server: the last 15 minutes on the x axis, one signal on
 * the y axis. Each chart is an image with a text alternative that states the latest value, so a
 * screen reader gets the number the line shows.
 */
public final class Charts {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 140;
  private static final int LEFT = 48;
  private static final int BOTTOM = 20;

  private Charts() {}

  /**
   * A chart of {@code signal} over {@code points} ending at {@code now}; {@code max} fixes the y
   * axis' top (NaN: the data's highest value).
   */
  public static String line(
      String id,
      String title,
      String unit,
      List<Point> points,
      ToDoubleFunction<Point> signal,
      double max,
      long now,
      long spanMillis) {
    double top = max;
    if (Double.isNaN(top)) {
      top = 0;
      for (Point p : points) {
        double v = signal.applyAsDouble(p);
        if (!Double.isNaN(v)) {
          top = Math.max(top, v);
        }
      }
      top = top <= 0 ? 1 : top * 1.1;
    }
    StringBuilder path = new StringBuilder();
    String latest = "no data";
    boolean pen = false;
    for (Point p : points) {
      double v = signal.applyAsDouble(p);
      if (Double.isNaN(v)) {
        pen = false; // a gap: no responses then
        continue;
      }
      double x = LEFT + (WIDTH - LEFT) * (1 - (now - p.epochMillis()) / (double) spanMillis);
      double y = (HEIGHT - BOTTOM) * (1 - Math.min(v, top) / top);
      if (x < LEFT) {
        continue;
      }
      path.append(pen ? " L" : " M").append(fmt(x)).append(',').append(fmt(y));
      pen = true;
      latest = value(v, unit);
    }
    String label = title + ", last 15 minutes; latest: " + latest;
    return """
        <figure class="chart" id="%s" data-latest="%s">
        <figcaption>%s <span class="latest">%s</span></figcaption>
        <svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">
        <title>%s</title>
        <line x1="%d" y1="0" x2="%d" y2="%d" class="axis"/>
        <line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>
        <text x="%d" y="12" class="tick" text-anchor="end">%s</text>
        <text x="%d" y="%d" class="tick" text-anchor="end">0</text>
        <text x="%d" y="%d" class="tick">−15 min</text>
        <text x="%d" y="%d" class="tick" text-anchor="end">now</text>
        <path d="%s" class="series"/>
        </svg>
        </figure>"""
        .formatted(
            Html.e(id),
            Html.e(latest),
            Html.e(title),
            Html.e(latest),
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            Html.e(label),
            Html.e(label),
            LEFT,
            LEFT,
            HEIGHT - BOTTOM,
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH,
            HEIGHT - BOTTOM,
            LEFT - 4,
            Html.e(value(top, unit)),
            LEFT - 4,
            HEIGHT - BOTTOM,
            LEFT,
            HEIGHT - 4,
            WIDTH,
            HEIGHT - 4,
            path.toString().strip());
  }

  static String value(double v, String unit) {
    return switch (unit) {
      case "%" -> String.format(Locale.ROOT, "%.1f%%", v * 100);
      case "ms" -> String.format(Locale.ROOT, "%.1f ms", v);
      default -> String.format(Locale.ROOT, "%.2f %s", v, unit);
    };
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
