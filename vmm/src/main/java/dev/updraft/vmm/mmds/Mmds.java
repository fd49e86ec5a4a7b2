package dev.updraft.vmm.mmds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.updraft.vmm.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The metadata data store: one JSON document, at most {@code limit} bytes as compact JSON, with the
 * version and IMDS mode the guest gets it in and the session tokens of V2. The API thread writes
 * it, the event loop reads it for the guest; every method is synchronized, and documents are
 * replaced, never changed in place, so a document handed out stays whole.
 */
public final class Mmds {
  private final long limit;
  private final TokenAuthority tokens;
  private JsonNode data = NullNode.getInstance();
  private boolean initialized;
  private MmdsVersion version = MmdsVersion.V1;
  private boolean imdsCompat;

  /**
   * @param limit the largest document in bytes ({@code --mmds-size-limit})
   * @param nanoTime the monotonic clock tokens expire by
   */
  public Mmds(long limit, LongSupplier nanoTime) {
    if (limit < 0) {
      throw new IllegalArgumentException("--mmds-size-limit: " + limit + " (expected: >= 0)");
    }
    this.limit = limit;
    this.tokens = new TokenAuthority(Objects.requireNonNull(nanoTime, "nanoTime"));
  }

  public Mmds(long limit) {
    this(limit, System::nanoTime);
  }

  public long limit() {
    return limit;
  }

  /** {@code PUT /mmds}: replaces the document. */
  public synchronized void put(JsonNode document) {
    checkSize(document);
    data = document;
    initialized = true;
  }

  /** {@code PATCH /mmds}: merges {@code patch} into the document (RFC 7396). */
  public synchronized void patch(JsonNode patch) {
    if (!initialized) {
      throw new MmdsException(
          MmdsException.Kind.NOT_INITIALIZED, "The MMDS data store is not initialized.");
    }
    JsonNode patched = MergePatch.apply(data, patch);
    checkSize(patched);
    data = patched;
  }

  /** The document ({@code null} as JSON before any PUT). */
  public synchronized JsonNode data() {
    return data;
  }

  /** {@code PUT /mmds/config}'s version and IMDS mode; tokens are bound to {@code instanceId}. */
  public synchronized void configure(
      MmdsVersion newVersion, boolean newImdsCompat, String instanceId) {
    version = Objects.requireNonNull(newVersion, "version");
    imdsCompat = newImdsCompat;
    tokens.instanceId(instanceId);
  }

  /**
   * A restored snapshot's version and IMDS mode; tokens stay bound to the instance id set before
   * (Firecracker's set_mmds_basic_config on load).
   */
  public synchronized void configure(MmdsVersion newVersion, boolean newImdsCompat) {
    version = Objects.requireNonNull(newVersion, "version");
    imdsCompat = newImdsCompat;
  }

  public synchronized MmdsVersion version() {
    return version;
  }

  public synchronized boolean imdsCompat() {
    return imdsCompat;
  }

  synchronized String issueToken(long ttlSeconds) {
    return tokens.issue(ttlSeconds);
  }

  synchronized boolean validToken(String token) {
    return tokens.valid(token);
  }

  private void checkSize(JsonNode document) {
    long size = JsonText.write(document).getBytes(StandardCharsets.UTF_8).length;
    if (size > limit) {
      throw new MmdsException(
          MmdsException.Kind.LIMIT_EXCEEDED,
          "The MMDS patch request doesn't fit: the data store would hold "
              + size
              + " bytes (expected: at most "
              + limit
              + ", --mmds-size-limit)");
    }
  }
}
