package dev.updraft.deploy.logs;

import dev.updraft.deploy.spec.MemorySize;
import java.util.Map;

/**
 * How much log an instance keeps: files of at most {@code maxBytes}, {@code files} of them with the
 * one being written ({@code x.log}, {@code x.log.1} the one before, up to {@code x.log.N-1}).
 */
public record Rotation(long maxBytes, int files) {
  /** 10 MiB x 5, as Docker's json-file driver is often set up: 50 MiB per instance at most. */
  public static final Rotation DEFAULT = new Rotation(10L << 20, 5);

  /** Environment variables that change the default for a supervisor. */
  public static final String MAX_SIZE_VARIABLE = "UPDRAFT_LOG_MAX_SIZE";

  public static final String FILES_VARIABLE = "UPDRAFT_LOG_FILES";

  public Rotation {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("log max size: " + maxBytes + " (expected: >= 1024)");
    }
    if (files < 1 || files > 100) {
      throw new IllegalArgumentException("log files: " + files + " (expected: 1..100)");
    }
  }

  /**
   * The rotation {@code env} sets ({@code UPDRAFT_LOG_MAX_SIZE=10Mi}, {@code UPDRAFT_LOG_FILES=5}),
   * the default for what it leaves unset.
   *
   * @throws IllegalArgumentException naming the variable, its value and what was expected
   */
  public static Rotation of(Map<String, String> env) {
    long size = DEFAULT.maxBytes;
    int files = DEFAULT.files;
    String sizeText = env.get(MAX_SIZE_VARIABLE);
    if (sizeText != null && !sizeText.isBlank()) {
      try {
        size = MemorySize.parse(sizeText.strip()).bytes();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            MAX_SIZE_VARIABLE + ": " + sizeText + " (expected: " + MemorySize.EXPECTED + ")", e);
      }
    }
    String filesText = env.get(FILES_VARIABLE);
    if (filesText != null && !filesText.isBlank()) {
      try {
        files = Integer.parseInt(filesText.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            FILES_VARIABLE + ": " + filesText + " (expected: a number of files, 1..100)", e);
      }
    }
    return new Rotation(size, files);
  }
}
