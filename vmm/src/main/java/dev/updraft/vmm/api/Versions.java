package dev.updraft.vmm.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The versions the VMM reports: Firecracker's API version it implements, and its own. */
public final class Versions {
  /** {@code info.version} of Firecracker's swagger that this API follows. */
  public static final String FIRECRACKER = "1.17.0-dev";

  private Versions() {}

  /** updraft's version, filtered into the build; {@code dev} outside a Maven build. */
  public static String updraft() {
    Properties properties = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "dev";
    }
    String version = properties.getProperty("version", "dev");
    return version.isBlank() || version.startsWith("${") ? "dev" : version;
  }
}
