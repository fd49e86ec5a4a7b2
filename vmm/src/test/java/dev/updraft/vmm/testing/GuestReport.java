package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a test guest said on its serial port. The guests print {@code ok <check>}, {@code fail
 * <check>: <detail>}, {@code info <key>=<value>} and finally {@code done}; any other line (such as
 * {@code ready} or {@code tick 3 count=...}) is kept in {@link #lines()} only.
 *
 * @param lines every line, without line terminators
 * @param passed checks that passed, in order
 * @param failed failed checks with their details (repeated failures of one check joined by "; ")
 * @param info reported values; a key reported twice keeps the last value
 * @param done whether the guest got to the end of its program
 */
public record GuestReport(
    List<String> lines,
    List<String> passed,
    Map<String, String> failed,
    Map<String, String> info,
    boolean done) {
  public GuestReport {
    lines = List.copyOf(lines);
    passed = List.copyOf(passed);
    failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
  }

  /**
   * A VMM log record as the logger writes it, in one write: the VMM's stdout carries both the
   * guest's serial output and these records, so a record can land in the middle of a guest line.
   */
  private static final Pattern LOG_RECORD =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+ \\[[^\\]\\n]*:[^\\]\\n]*\\] [^\\n]*\\n?");

  /** The guest's serial output with the VMM's log records cut out of it, lines made whole again. */
  public static String withoutVmmLog(String output) {
    return LOG_RECORD.matcher(output).replaceAll("");
  }

  /**
   * Parses serial output; CR LF and LF line ends both work, a partial last line counts, and VMM log
   * records written into the same stream are left out.
   */
  public static GuestReport parse(String output) {
    output = withoutVmmLog(output);
    List<String> lines = new ArrayList<>();
    List<String> passed = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    Map<String, String> info = new LinkedHashMap<>();
    boolean done = false;
    for (String raw : output.split("\n", -1)) {
      String line = raw.replace("\r", "");
      if (line.isEmpty()) {
        continue;
      }
      lines.add(line);
      if (line.equals("done")) {
        done = true;
      } else if (line.startsWith("ok ") && line.length() > 3) {
        passed.add(line.substring(3));
      } else if (line.startsWith("fail ") && line.length() > 5) {
        String rest = line.substring(5);
        int colon = rest.indexOf(": ");
        String check = colon < 0 ? rest : rest.substring(0, colon);
        String detail = colon < 0 ? "" : rest.substring(colon + 2);
        failed.merge(check, detail, (a, b) -> a + "; " + b);
      } else if (line.startsWith("info ") && line.indexOf('=') > 5) {
        int eq = line.indexOf('=');
        info.put(line.substring(5, eq), line.substring(eq + 1));
      }
    }
    return new GuestReport(lines, passed, failed, info, done);
  }

  /** Whether the guest finished with no failed check. */
  public boolean succeeded() {
    return done && failed.isEmpty();
  }

  public Optional<String> info(String key) {
    return Optional.ofNullable(info.get(key));
  }

  /** A reported value that must be there. */
  public String require(String key) {
    assertThat(info).as("info %s in:%n%s", key, transcript()).containsKey(key);
    return info.get(key);
  }

  /** Asserts that the guest finished, nothing failed and each named check passed. */
  public GuestReport requirePassed(String... checks) {
    assertThat(failed).as("failed checks in:%n%s", transcript()).isEmpty();
    assertThat(passed).as("passed checks in:%n%s", transcript()).contains(checks);
    assertThat(done).as("'done' in:%n%s", transcript()).isTrue();
    return this;
  }

  /** The serial output as lines, for assertion messages. */
  public String transcript() {
    return String.join("\n", lines);
  }
}
