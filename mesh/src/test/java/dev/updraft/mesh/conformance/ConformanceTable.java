package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.Conformance.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The results side by side, as a markdown table and as a detailed byte-level report. */
final class ConformanceTable {
  static final String REFERENCE = "haproxy";
  static final String SUBJECT = "updraft";

  private ConformanceTable() {}

  /** Case names where updraft is unsafe and HAProxy is safe. */
  static List<String> lessSafeThanReference(Map<String, List<Result>> results) {
    List<String> out = new ArrayList<>();
    List<Result> ref = results.get(REFERENCE);
    List<Result> sub = results.get(SUBJECT);
    for (int i = 0; i < sub.size(); i++) {
      if (!sub.get(i).verdict().safe() && ref.get(i).verdict().safe()) {
        out.add(sub.get(i).c().name());
      }
    }
    return out;
  }

  /**
   * One row per case; a proxy's cell reads "verdict · what the client got · what the backend read",
   * with the reason for an UNSAFE verdict in parentheses.
   */
  static String markdown(List<Case> cases, Map<String, List<Result>> results) {
    List<String> proxies = List.copyOf(results.keySet());
    StringBuilder out = new StringBuilder("| case | dir | source |");
    for (String p : proxies) {
      out.append(' ').append(title(p)).append(" |");
    }
    out.append(" verdict |\n|---|---|---|");
    out.append("---|".repeat(proxies.size())).append("---|\n");
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      out.append("| `").append(c.name()).append("` | ").append(c.direction(), 0, 3);
      out.append(" | ").append(escape(c.source())).append(" |");
      for (String p : proxies) {
        out.append(' ').append(escape(cell(results.get(p).get(i)))).append(" |");
      }
      out.append(' ').append(verdict(results, i)).append(" |\n");
    }
    return out.toString();
  }

  /** Counts per proxy, for the summary line. */
  static String totals(Map<String, List<Result>> results) {
    List<String> parts = new ArrayList<>();
    for (var e : results.entrySet()) {
      long safe = e.getValue().stream().filter(r -> r.verdict().safe()).count();
      parts.add(title(e.getKey()) + " " + safe + "/" + e.getValue().size() + " safe");
    }
    return String.join(", ", parts);
  }

  private static String cell(Result r) {
    Judge.Verdict v = r.verdict();
    String facts =
        " · " + r.observation().clientSummary() + " · " + r.observation().backendSummary();
    return v.safe() ? "SAFE" + facts : "**UNSAFE** (" + v.reason() + ")" + facts;
  }

  private static String verdict(Map<String, List<Result>> results, int i) {
    if (!results.containsKey(SUBJECT) || !results.containsKey(REFERENCE)) {
      return "";
    }
    boolean subject = results.get(SUBJECT).get(i).verdict().safe();
    boolean reference = results.get(REFERENCE).get(i).verdict().safe();
    if (!subject && reference) {
      return "**FAIL: updraft less safe than HAProxy**";
    }
    return subject ? "ok" : "ok (HAProxy unsafe too)";
  }

  /** Every case where some proxy was unsafe, with the bytes each side saw. */
  static String details(List<Case> cases, Map<String, List<Result>> results) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cases.size(); i++) {
      int index = i;
      if (results.values().stream().allMatch(l -> l.get(index).verdict().safe())) {
        continue;
      }
      Case c = cases.get(i);
      out.append("== ").append(c.name()).append(" (").append(c.source()).append(")\n");
      for (var e : results.entrySet()) {
        Result r = e.getValue().get(i);
        out.append("  ").append(title(e.getKey())).append(": ").append(r.verdict().cell());
        out.append('\n').append(r.observation().detail());
      }
    }
    return out.toString();
  }

  private static String title(String proxy) {
    return switch (proxy) {
      case "haproxy" -> "HAProxy";
      case "nginx" -> "nginx";
      default -> proxy;
    };
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
