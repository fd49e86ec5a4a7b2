package dev.updraft.console;

import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The console's access token: 32 random bytes, made once and kept in a file only its owner reads
 * ({@code ~/.updraft/console.token}), so {@code updraft console token} prints the token a console
 * started earlier by the same user checks.
 */
public final class ConsoleToken {
  private ConsoleToken() {}

  /** Where the token is kept: {@code $UPDRAFT_CONSOLE_TOKEN} if set, else under the home. */
  public static Path file() {
    String set = System.getenv("UPDRAFT_CONSOLE_TOKEN");
    return set != null && !set.isBlank()
        ? Path.of(set)
        : Path.of(System.getProperty("user.home"), ".updraft", "console.token");
  }

  /** The token in {@code file}, made there first if there is none. */
  public static String of(Path file) {
    try {
      if (Files.exists(file)) {
        String token = Files.readString(file).strip();
        if (!token.isEmpty()) {
          return token;
        }
      }
      PrivateFiles.directories(file.toAbsolutePath().getParent());
      String token = random();
      PrivateFiles.write(file, token + "\n");
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("console token " + file + ": " + e.getMessage(), e);
    }
  }

  static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
