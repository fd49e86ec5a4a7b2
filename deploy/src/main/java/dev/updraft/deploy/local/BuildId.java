package dev.updraft.deploy.local;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * Which build of updraft a process runs: a hash of its class path with each entry's size and
 * modification time. A supervisor left running by another build speaks another protocol; the engine
 * tells by this id and replaces it (the new one adopts the processes).
 */
final class BuildId {
  // Absolute: the watchdog and systemd start supervisors on this class path from anywhere, and a
  // supervisor of the same build must have the same id as the engine that started it.
  private static final String CLASS_PATH =
      Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
          .map(entry -> new File(entry).getAbsolutePath())
          .collect(Collectors.joining(File.pathSeparator));
  private static final String CURRENT = of(CLASS_PATH);

  private BuildId() {}

  static String current() {
    return CURRENT;
  }

  /** This process's class path, each entry absolute. */
  static String classPath() {
    return CLASS_PATH;
  }

  static String of(String classPath) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String entry : classPath.split(File.pathSeparator)) {
      File file = new File(entry);
      String line = entry + "|" + file.length() + "|" + file.lastModified() + "\n";
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }
}
