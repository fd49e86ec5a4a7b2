package dev.updraft.console.signals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's text exposition format, as the mesh's admin {@code /metrics} writes it: one sample
 * per line, {@code name{label="value",...} number}. Comments and lines that are not samples are
 * skipped rather than failing the scrape.
 */
public final class Exposition {
  private Exposition() {}

  /** One sample: its metric name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }

    public String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      Sample sample = sample(line.strip());
      if (sample != null) {
        samples.add(sample);
      }
    }
    return samples;
  }

  static Sample sample(String line) {
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      return null;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      rest = labels(line, brace + 1, labels);
      if (rest < 0) {
        return null;
      }
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    String[] value = line.substring(rest).strip().split(" ");
    try {
      return new Sample(name, labels, Double.parseDouble(value[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Reads {@code key="value",...}} from {@code at}; returns the index after '}', or -1. */
  private static int labels(String line, int at, Map<String, String> labels) {
    int i = at;
    while (i < line.length()) {
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        return -1;
      }
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        return -1;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return -1;
  }
}
