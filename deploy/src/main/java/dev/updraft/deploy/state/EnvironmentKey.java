package dev.updraft.deploy.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of one environment's state directory, in {@code secrets.key} (0600) there: AES-256-GCM
 * seals each secret value written to disk, with a fresh 96-bit nonce per value and the field's
 * identity (which value of which process, release or database) as associated data, so a sealed
 * value moved to another field does not open; HMAC-SHA256 gives fingerprints of secret values that
 * say whether they changed without being reversible. Two sub-keys are derived from the file's 32
 * random bytes, one per use.
 */
public final class EnvironmentKey {
  /** The file's name in the state directory. */
  public static final String FILE = "secrets.key";

  private static final String SEALED = "sealed:v1:";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final byte[] master;
  // Derived on first use: a command that seals nothing loads no JCE provider.
  private SecretKeySpec cipherKey;
  private SecretKeySpec macKey;

  private EnvironmentKey(Path file, byte[] master) {
    this.file = file;
    this.master = master;
  }

  private synchronized SecretKeySpec cipherKey() {
    if (cipherKey == null) {
      cipherKey = new SecretKeySpec(derive(master, "updraft seal"), "AES");
    }
    return cipherKey;
  }

  private synchronized SecretKeySpec macKey() {
    if (macKey == null) {
      macKey = new SecretKeySpec(derive(master, "updraft fingerprint"), "HmacSHA256");
    }
    return macKey;
  }

  /** The key of the state directory {@code dir}, made (with the directory) when there is none. */
  public static EnvironmentKey of(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[KEY_BYTES];
        RANDOM.nextBytes(fresh);
        // Written whole under another name, then linked: a reader never sees half a key, and of
        // two processes making one at once, the first link wins and both use its key.
        Path temp = dir.resolve(FILE + "." + ProcessHandle.current().pid() + ".new");
        PrivateFiles.write(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
        try {
          Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
          // another engine or the supervisor made it first
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      return read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("environment key " + file + ": " + e.getMessage(), e);
    }
  }

  /** The key of {@code dir} if it has one; nothing is made. */
  public static Optional<EnvironmentKey> existing(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(file));
    } catch (IOException e) {
      throw new UncheckedIOException("environment key " + file + ": " + e.getMessage(), e);
    }
  }

  private static EnvironmentKey read(Path file) throws IOException {
    byte[] master;
    try {
      master = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IllegalArgumentException e) {
      master = new byte[0];
    }
    if (master.length != KEY_BYTES) {
      throw new SealedValueException(
          file + " is not an updraft key (expected: 32 random bytes in base64)");
    }
    return new EnvironmentKey(file, master);
  }

  /** Whether {@code value} is a sealed value (else it is plain text, as older updrafts wrote). */
  public static boolean isSealed(String value) {
    return value != null && value.startsWith(SEALED);
  }

  /** {@code value} sealed for {@code field}; opens only with this key and the same field. */
  public String seal(String field, String value) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, cipherKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(field.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return SEALED + Base64.getEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * The plain text of a value sealed for {@code field}; a value that is not sealed is returned as
   * it is.
   *
   * @throws SealedValueException when this key or this field did not seal it
   */
  public String open(String field, String value) {
    if (!isSealed(value)) {
      return value;
    }
    try {
      byte[] in = Base64.getDecoder().decode(value.substring(SEALED.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, cipherKey(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(field.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SealedValueException(
          field
              + ": the sealed value does not open with "
              + file
              + " (the key was replaced, or the value was altered or moved)");
    }
  }

  /** A fingerprint of {@code value} as {@code field}: hex HMAC-SHA256, not reversible. */
  public String fingerprint(String field, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey());
      mac.update(field.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  /** Where the key lives. */
  public Path file() {
    return file;
  }

  private static byte[] derive(byte[] master, String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(master, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
