package dev.updraft.mesh.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * The body of a Certify call, Linkerd's {@code CertifyRequest} as JSON: {@code {"identity": "<dns
 * name>", "token": "<token>", "csr": "<base64 DER>"}}. Parsing is strict: unknown fields, missing
 * fields, wrong types and bad base64 are refused with one line naming the field.
 */
public record CertifyRequest(WorkloadName identity, String token, byte[] csr) {
  /** Bodies larger than this are refused before parsing (a CSR is about 400 bytes). */
  public static final int MAX_BYTES = 64 * 1024;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final List<String> FIELDS = List.of("identity", "token", "csr");

  public CertifyRequest {
    if (identity == null) {
      throw new IdentityException("identity: missing (expected: a workload's DNS identity)");
    }
    if (token == null || token.isEmpty() || token.length() > 16 * 1024) {
      throw new IdentityException("token: missing or empty (expected: the workload's token)");
    }
    if (csr == null || csr.length == 0) {
      throw new IdentityException("csr: missing (expected: a base64 DER PKCS#10 request)");
    }
  }

  /** Parses a request body; every problem is an {@link IdentityException}. */
  public static CertifyRequest parse(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new IdentityException(
          "body: " + body.length + " bytes (expected: at most " + MAX_BYTES + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new IdentityException("body: not JSON (" + firstLine(e) + ")", e);
    }
    if (!(root instanceof ObjectNode object)) {
      throw new IdentityException("body: not a JSON object (expected: {identity, token, csr})");
    }
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IdentityException(
            "body: unknown field \"" + name + "\" (expected: " + FIELDS + ")");
      }
    }
    byte[] csr;
    try {
      csr = Base64.getDecoder().decode(text(object, "csr"));
    } catch (IllegalArgumentException e) {
      throw new IdentityException("csr: not base64 (" + e.getMessage() + ")", e);
    }
    return new CertifyRequest(
        WorkloadName.parse("identity", text(object, "identity")), text(object, "token"), csr);
  }

  /** The JSON body of this request. */
  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("identity", identity.dnsName());
    node.put("token", token);
    node.put("csr", Base64.getEncoder().encodeToString(csr));
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IdentityException("body: cannot encode: " + e.getMessage(), e);
    }
  }

  private static String text(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.isTextual()) {
      throw new IdentityException(
          field
              + ": "
              + (value == null ? "missing" : value.getNodeType())
              + " (expected: a string)");
    }
    return value.textValue();
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
