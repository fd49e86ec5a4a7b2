package dev.updraft.bench.vm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's result table: one row per measure with updraft's figure, the anchor's, their
 * ratio and which way is better; printed as Markdown at the end of the run.
 */
final class Table {
  /** One measurement run of one side; {@code index} alternates who goes first. */
  interface Measure {
    double run(int index) throws Exception;
  }

  private final List<String[]> rows = new ArrayList<>();

  /**
   * Runs both sides {@code runs} times, alternating who goes first so that a slow moment of the
   * machine does not favour one side, and adds the medians and their ratio.
   */
  void compare(
      String what, String unit, int runs, boolean lowerIsBetter, Measure ours, Measure anchor)
      throws Exception {
    double[] a = new double[runs];
    double[] b = new double[runs];
    for (int i = 0; i < runs; i++) {
      if (i % 2 == 0) {
        a[i] = ours.run(i);
        b[i] = anchor.run(i);
      } else {
        b[i] = anchor.run(i);
        a[i] = ours.run(i);
      }
    }
    add(what, unit, median(a), median(b), lowerIsBetter);
  }

  /** Adds a row of two figures measured elsewhere, with their ratio. */
  void add(String what, String unit, double ours, double anchor, boolean lowerIsBetter) {
    rows.add(
        new String[] {
          what,
          fmt(ours) + " " + unit,
          fmt(anchor) + " " + unit,
          String.format(Locale.ROOT, "%.2fx", ours / anchor),
          lowerIsBetter ? "lower is better" : "higher is better"
        });
    System.out.printf(
        Locale.ROOT,
        "  %-50s updraft %s %s, anchor %s %s%n",
        what,
        fmt(ours),
        unit,
        fmt(anchor),
        unit);
  }

  /** Adds a row as given (figures without a ratio, or a reference). */
  void row(String... cells) {
    rows.add(cells);
  }

  static double median(double[] values) {
    return percentile(values, 50);
  }

  /** The nearest-rank percentile: the smallest value with at least {@code p}% at or below it. */
  static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** {@code "p50 / p90 UNIT"} of {@code values}, for a row with no anchor column. */
  static String p50p90(double[] values, String unit) {
    return fmt(percentile(values, 50)) + " / " + fmt(percentile(values, 90)) + " " + unit;
  }

  static String fmt(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  void print() {
    System.out.println();
    System.out.println("| measure | updraft vm | anchor | updraft / anchor | |");
    System.out.println("|---|---|---|---|---|");
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }
}
