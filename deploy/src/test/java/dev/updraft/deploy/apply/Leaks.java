package dev.updraft.deploy.apply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Looks for secret values in files, in plain text and as base64 or hex, and for open modes. */
final class Leaks {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private Leaks() {}

  /**
   * How {@code secret} may show in a file: itself, hex (either case), and base64 (standard and
   * URL-safe) at each of the three alignments it can have inside a longer encoded text.
   */
  static Map<String, byte[]> encodings(String secret) {
    byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> forms = new LinkedHashMap<>();
    forms.put("plain", raw);
    forms.put("hex", bytes(HexFormat.of().formatHex(raw)));
    forms.put("HEX", bytes(HexFormat.of().withUpperCase().formatHex(raw)));
    for (int shift = 0; shift < 3; shift++) {
      byte[] shifted = new byte[shift + raw.length];
      System.arraycopy(raw, 0, shifted, shift, raw.length);
      for (var encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String text = encoder.withoutPadding().encodeToString(shifted);
        // The characters that depend on the secret's bytes only: skip the shift's, and the last.
        int from = (shift * 8 + 5) / 6;
        forms.put(
            "base64+" + shift + (encoder == Base64.getEncoder() ? "" : "url"),
            bytes(text.substring(from, text.length() - 2)));
      }
    }
    return forms;
  }

  /** Every file under {@code root} that holds a secret of {@code secrets}, and how. */
  static List<String> find(Path root, Map<String, String> secrets) {
    List<String> found = new ArrayList<>();
    for (Path file : files(root)) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        continue; // gone meanwhile (a temporary file of the database)
      }
      secrets.forEach(
          (name, value) ->
              encodings(value)
                  .forEach(
                      (form, pattern) -> {
                        if (indexOf(content, pattern) >= 0) {
                          found.add(file + ": " + name + " as " + form);
                        }
                      }));
    }
    return found;
  }

  /** Everything under {@code root} (itself included) that group or others may access. */
  static List<String> open(Path root) {
    List<String> open = new ArrayList<>();
    for (Path path : files(root)) {
      try {
        if (Files.isSymbolicLink(path)) {
          continue;
        }
        Set<PosixFilePermission> mode =
            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
          open.add(path + " " + java.nio.file.attribute.PosixFilePermissions.toString(mode));
        }
      } catch (IOException e) {
        // gone meanwhile
      }
    }
    return open;
  }

  /** Everything under {@code root}; what goes while the walk runs (a database's) is left out. */
  private static List<Path> files(Path root) {
    List<Path> all = new ArrayList<>();
    if (!Files.exists(root)) {
      return all;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              all.add(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              all.add(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
