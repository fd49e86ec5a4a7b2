package dev.updraft.deploy.spec;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * A YAML syntax error as a {@link Problem} at the line where the construct the user left open
 * begins. SnakeYAML marks where it gave up: for an unclosed quote or bracket that is the end of the
 * file or some later line, far from the mistake; its context mark is where the construct opened. A
 * block scalar whose lines are not indented under its key fails on a later line without naming the
 * scalar; it is found by looking back from that line.
 */
final class YamlSyntax {
  // "key: |", "- >-", "key: |2+": a block scalar header ending its line (a comment may follow).
  private static final Pattern BLOCK_HEADER =
      Pattern.compile("^(\\s*)(?:-\\s+|[^#]*?:\\s+)([|>][+-]?[1-9]?[+-]?)\\s*(?:#.*)?$");
  private static final Pattern FOUND = Pattern.compile("but (?:got|found) (.*)$");

  private YamlSyntax() {}

  static Problem problem(String source, String text, MarkedYAMLException e) {
    String context = e.getContext() == null ? "" : e.getContext();
    String problem = e.getProblem() == null ? "" : e.getProblem();
    Mark start = e.getContextMark();
    Mark at = e.getProblemMark();
    if (start != null && context.contains("quoted scalar") && !problem.contains("escape")) {
      String opening = text(text, start);
      char quote = opening.isEmpty() ? '"' : opening.charAt(0);
      return opened(
          source,
          text,
          start,
          "a closing " + quote + " for the quote that opens here" + stopped(at, problem));
    }
    if (start != null && context.startsWith("while parsing a flow sequence")) {
      return opened(
          source, text, start, "a ']' closing the list that opens here" + stopped(at, problem));
    }
    if (start != null && context.startsWith("while parsing a flow mapping")) {
      return opened(
          source, text, start, "a '}' closing the mapping that opens here" + stopped(at, problem));
    }
    if (start != null && context.startsWith("while scanning a block scalar")) {
      return opened(
          source,
          text,
          start,
          "a block scalar header, | or > with an optional chomping (+ or -) and indentation (1-9)"
              + " indicator ("
              + problem
              + ")");
    }
    Problem emptyBlock = emptyBlockScalar(source, text, start != null ? start : at, at);
    if (emptyBlock != null) {
      return emptyBlock;
    }
    return new Problem(
        source,
        at == null ? 0 : line(at),
        at == null ? 0 : column(at),
        "yaml",
        problem,
        "valid YAML");
  }

  /**
   * A character YAML does not allow (NUL and most other control characters): SnakeYAML's reader
   * refuses it before there is any mark, with its offset in the text instead.
   */
  static Problem unreadable(String source, String text, ReaderException e) {
    int offset = Math.clamp(e.getPosition(), 0, text.length());
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Problem(
        source,
        line,
        offset - lineStart + 1,
        "yaml",
        new String(Character.toChars(e.getCodePoint())),
        "printable text (YAML allows no control characters but tab and line breaks)");
  }

  /**
   * The block scalar on the line above {@code near} (where the parser began the construct it failed
   * on) whose next line is not indented under its key: its content is then empty, and the lines
   * meant for it are read as keys, which fails there or later.
   */
  private static Problem emptyBlockScalar(String source, String text, Mark near, Mark at) {
    if (near == null || near.getLine() == 0) {
      return null;
    }
    List<String> lines = text.lines().toList();
    int i = near.getLine() - 1;
    if (i >= lines.size()) {
      return null;
    }
    Matcher header = BLOCK_HEADER.matcher(lines.get(i));
    String next = i + 1 < lines.size() ? lines.get(i + 1) : "";
    if (!header.matches() || next.isBlank() || indent(next) > header.group(1).length()) {
      return null;
    }
    return new Problem(
        source,
        i + 1,
        header.start(2) + 1,
        "yaml",
        header.group(2),
        "the block scalar's lines indented more than its key (line "
            + (i + 2)
            + " is not, so the scalar is empty and YAML fails at line "
            + line(at == null ? near : at)
            + ")");
  }

  /** A problem at the construct that opens at {@code start}, shown from there to its line's end. */
  private static Problem opened(String source, String text, Mark start, String expected) {
    return new Problem(source, line(start), column(start), "yaml", text(text, start), expected);
  }

  /** Where and on what the parser stopped looking for the closing character. */
  private static String stopped(Mark at, String problem) {
    if (at == null) {
      return "";
    }
    if (problem.contains("end of stream") || problem.contains("<stream end>")) {
      return " (the file ends before one)";
    }
    Matcher found = FOUND.matcher(problem);
    String what = found.find() ? found.group(1).trim() : problem;
    return " (found " + what + " at " + line(at) + ":" + column(at) + " instead)";
  }

  /** The source from {@code mark} to the end of its line, shortened. */
  private static String text(String text, Mark mark) {
    List<String> lines = text.lines().toList();
    if (mark.getLine() >= lines.size()) {
      return "";
    }
    String line = lines.get(mark.getLine());
    String rest = mark.getColumn() < line.length() ? line.substring(mark.getColumn()) : "";
    rest = rest.stripTrailing();
    return rest.length() <= 40 ? rest : rest.substring(0, 40) + "...";
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  private static int line(Mark mark) {
    return mark.getLine() + 1;
  }

  private static int column(Mark mark) {
    return mark.getColumn() + 1;
  }
}
