package dev.updraft.mesh.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The TLS implementation behind mesh TLS. BoringSSL (netty-tcnative, statically linked) is the
 * default where its native library loads: its handshakes cost a fraction of the JDK's (see
 * docs/mesh/identity.md); the JDK's provider stays one setting away and is what a machine without
 * the native library gets.
 */
public enum TlsProvider {
  /** The JDK's own provider (SunJSSE). */
  JDK,
  /** BoringSSL through netty-tcnative. */
  BORINGSSL;

  @JsonValue
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @JsonCreator
  public static TlsProvider parse(String text) {
    for (TlsProvider p : values()) {
      if (p.text().equalsIgnoreCase(text)) {
        return p;
      }
    }
    throw new MeshConfigException(
        "identity.tlsProvider: \"" + text + "\" (expected: boringssl or jdk)");
  }
}
