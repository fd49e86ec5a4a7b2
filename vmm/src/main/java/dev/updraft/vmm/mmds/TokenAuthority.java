package dev.updraft.vmm.mmds;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * MMDS V2 session tokens, as Firecracker makes them: the token's expiry (milliseconds on the
 * monotonic clock) sealed with AES-256-GCM under a key only this process knows, with the instance
 * id as additional data, so a token is valid only here, only unchanged and only until it expires.
 * The token is base64 of nonce (12 bytes), ciphertext (8) and tag (16). A key seals at most 2^32 -
 * 1 tokens, then a new one replaces it (invalidating the old tokens), as GCM's nonce limit asks.
 */
final class TokenAuthority {
  static final int MIN_TTL_SECONDS = 1;
  static final int MAX_TTL_SECONDS = 21_600;

  /** Longer strings are not decrypted at all: a real token is 48 characters. */
  static final int MAX_TOKEN_LENGTH = 70;

  private static final int NONCE = 12;
  private static final int PAYLOAD = 8;
  private static final int TAG_BITS = 128;
  private static final long MAX_TOKENS_PER_KEY = 0xFFFF_FFFFL;

  private final SecureRandom random = new SecureRandom();
  private final LongSupplier nanoTime;
  private SecretKey key = newKey();
  private long sealed;
  private byte[] aad = new byte[0];

  TokenAuthority(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Binds tokens to this microVM's id ({@code --id}). */
  void instanceId(String id) {
    aad = ("microvmid=" + id).getBytes(StandardCharsets.UTF_8);
  }

  /** A token valid for {@code ttlSeconds}; the range is checked by the caller. */
  String issue(long ttlSeconds) {
    if (sealed == MAX_TOKENS_PER_KEY) {
      key = newKey();
      sealed = 0;
    }
    long expiry = nowMillis() + ttlSeconds * 1_000;
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] plain =
        ByteBuffer.allocate(PAYLOAD).order(ByteOrder.LITTLE_ENDIAN).putLong(expiry).array();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] sealedBytes = cipher.doFinal(plain);
      sealed++;
      byte[] token = new byte[NONCE + sealedBytes.length];
      System.arraycopy(nonce, 0, token, 0, NONCE);
      System.arraycopy(sealedBytes, 0, token, NONCE, sealedBytes.length);
      return Base64.getEncoder().encodeToString(token);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
    }
  }

  /** Whether {@code token} was issued here, is unchanged and has not expired. */
  boolean valid(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (bytes.length != NONCE + PAYLOAD + TAG_BITS / 8) {
      return false;
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE));
      cipher.updateAAD(aad);
      byte[] plain = cipher.doFinal(bytes, NONCE, bytes.length - NONCE);
      long expiry = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return expiry > nowMillis();
    } catch (GeneralSecurityException e) {
      return false; // tampered, another key, another instance
    }
  }

  private long nowMillis() {
    return nanoTime.getAsLong() / 1_000_000;
  }

  private SecretKey newKey() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return new SecretKeySpec(bytes, "AES");
  }
}
