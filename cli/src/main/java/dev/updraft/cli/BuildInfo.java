package dev.updraft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version and git commit baked into the build by Maven resource filtering. */
record BuildInfo(String version, String commit, boolean dirty) {
  static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        known(properties.getProperty("version"), "dev"),
        known(properties.getProperty("commit"), "unknown"),
        "true".equals(properties.getProperty("dirty")));
  }

  // An unfiltered placeholder (built outside Maven or outside git) reads as unknown.
  private static String known(String value, String fallback) {
    return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
  }

  String describe() {
    return "updraft " + version + " (commit " + commit + (dirty ? ", modified" : "") + ")";
  }
}
