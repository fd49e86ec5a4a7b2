package dev.updraft.mesh.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The answer to a Certify call: the chain to present (leaf first) as PEM, and when the leaf
 * expires, {@code {"certificate": "<PEM>", "validUntil": "<ISO-8601>"}}; or {@code {"error": "<one
 * line>"}}.
 */
public record CertifyResponse(List<X509Certificate> chain) {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public CertifyResponse {
    if (chain == null || chain.isEmpty()) {
      throw new IdentityException("certificate: empty chain (expected: a leaf and its issuer)");
    }
    chain = List.copyOf(chain);
  }

  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("certificate", Pem.write(chain.toArray()));
    node.put("validUntil", chain.getFirst().getNotAfter().toInstant().toString());
    return write(node);
  }

  public static byte[] error(String message) {
    return write(JSON.createObjectNode().put("error", message));
  }

  /** Reads a response body; an error body becomes an {@link IdentityException} with its text. */
  public static CertifyResponse parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new IdentityException("identity service: answer is not JSON", e);
    }
    if (root != null && root.path("error").isTextual()) {
      throw new IdentityException("identity service: " + root.path("error").textValue());
    }
    if (root == null || !root.path("certificate").isTextual()) {
      throw new IdentityException("identity service: answer has no certificate");
    }
    return new CertifyResponse(
        Pem.certificates("certificate", root.path("certificate").textValue()));
  }

  private static byte[] write(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IdentityException("body: cannot encode: " + e.getMessage(), e);
    }
  }
}
