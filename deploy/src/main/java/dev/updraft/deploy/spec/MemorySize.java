package dev.updraft.deploy.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory quantity as Kubernetes writes one: plain bytes ({@code 134217728}), binary suffixes
 * ({@code 64Ki}, {@code 256Mi}, {@code 1Gi}, {@code 1Ti}) or decimal ones ({@code 500k}, {@code
 * 128M}, {@code 2G}, {@code 1T}), a fraction allowed ({@code 1.5Gi}). The spec reads {@code
 * resources.memory} with it and the local target turns it into a cgroup's limit; the Kubernetes
 * target hands the text on as it is.
 *
 * @param bytes the quantity in bytes, a fraction of a byte rounded up as Kubernetes does
 */
public record MemorySize(long bytes) {
  private static final Pattern GRAMMAR =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?");

  /** The grammar, for the JSON Schema. */
  public static final String PATTERN = GRAMMAR.pattern();

  public static final String EXPECTED =
      "a size such as 256Mi, 1Gi, 500M or 134217728 (bytes; suffixes Ki Mi Gi Ti k M G T)";

  public MemorySize {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
    }
  }

  /** A text that is no memory size, and what was expected instead. */
  public static final class InvalidSize extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String expected;

    InvalidSize(String text, String expected) {
      super("memory: " + text + " (expected: " + expected + ")");
      this.expected = expected;
    }

    public String expected() {
      return expected;
    }
  }

  /**
   * Reads {@code text}.
   *
   * @throws InvalidSize naming the text and the expected form
   */
  public static MemorySize parse(String text) {
    Matcher m = GRAMMAR.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new InvalidSize(text, EXPECTED);
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    long unit =
        switch (suffix) {
          case "Ki" -> 1L << 10;
          case "Mi" -> 1L << 20;
          case "Gi" -> 1L << 30;
          case "Ti" -> 1L << 40;
          case "k" -> 1_000L;
          case "M" -> 1_000_000L;
          case "G" -> 1_000_000_000L;
          case "T" -> 1_000_000_000_000L;
          default -> 1L; // no suffix: bytes
        };
    BigDecimal bytes =
        new BigDecimal(m.group(1))
            .multiply(BigDecimal.valueOf(unit))
            .setScale(0, RoundingMode.CEILING);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new InvalidSize(text, "less than 8Ei");
    }
    return new MemorySize(bytes.longValueExact());
  }
}
