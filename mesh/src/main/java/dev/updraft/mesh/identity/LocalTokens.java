package dev.updraft.mesh.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local target's tokens: the supervisor hands each instance a random token bound to one
 * identity. Tokens are kept as SHA-256 digests, so the table (and its file) never holds a usable
 * token, and a lookup compares digests, not secrets, character by character.
 */
public final class LocalTokens implements TokenVerifier {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, WorkloadName> byDigest = new ConcurrentHashMap<>();

  /** A new token for {@code name}; only its digest is kept. */
  public String issue(WorkloadName name) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byDigest.put(digest(token), name);
    return token;
  }

  /** Forgets a token (its instance stopped). */
  public void revoke(String token) {
    byDigest.remove(digest(token));
  }

  @Override
  public WorkloadName verify(String token, WorkloadName claimed) {
    WorkloadName proven = token == null ? null : byDigest.get(digest(token));
    if (proven == null) {
      throw new IdentityException("token: not one this identity service issued");
    }
    if (!proven.equals(claimed)) {
      throw new IdentityException(
          "identity: \"" + claimed + "\" (expected: \"" + proven + "\", the token's identity)");
    }
    return proven;
  }

  /** Writes the digests as lines {@code <sha256-hex> <identity>}, readable by the owner only. */
  public void save(Path file) {
    StringBuilder out = new StringBuilder();
    Map<String, WorkloadName> copy = new HashMap<>(byDigest);
    copy.forEach((d, n) -> out.append(d).append(' ').append(n.dnsName()).append('\n'));
    CaFiles.writePrivate(file, out.toString());
  }

  /** Reads a file written by {@link #save}; a missing file is an empty table. */
  public static LocalTokens load(Path file) {
    LocalTokens tokens = new LocalTokens();
    if (!Files.exists(file)) {
      return tokens;
    }
    try {
      int line = 0;
      for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        String[] parts = text.trim().split(" ");
        if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
          throw new IdentityException(
              file + ":" + line + ": \"" + text + "\" (expected: <sha256-hex> <identity>)");
        }
        tokens.byDigest.put(parts[0], WorkloadName.parse(file + ":" + line, parts[1]));
      }
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return tokens;
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
