package dev.updraft.deploy.local;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which build of updraft a process runs: a hash of its class path with each entry's size and
 * modification time. A supervisor left running by another build speaks another protocol; the engine
 * tells by this id and replaces it (the new one adopts the processes).
 */
final class BuildId {
  private static final String CURRENT = of(System.getProperty("java.class.path", ""));

  private BuildId() {}

  static String current() {
    return CURRENT;
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
