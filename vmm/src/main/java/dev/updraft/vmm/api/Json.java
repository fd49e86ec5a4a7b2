package dev.updraft.vmm.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.regex.Pattern;

/** Reading and writing JSON documents as trees; the one mapper of the API. */
final class Json {
  // Duplicate keys and trailing garbage are errors: a request means one thing or is rejected.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  // Jackson names the input as "[Source: REDACTED ...; line: 1, column: 1]", which helps nobody.
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)\\]");

  private Json() {}

  /**
   * Parses a whole document.
   *
   * @throws JsonFieldException if it is not well-formed JSON
   */
  static JsonNode parse(byte[] document) {
    try {
      JsonNode node = MAPPER.readTree(document);
      if (node == null || node.isMissingNode()) {
        throw new JsonFieldException("expected a JSON value, found an empty document");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
      throw new JsonFieldException(withoutSource(e.getOriginalMessage()) + where);
    } catch (IOException e) {
      throw new JsonFieldException("unreadable JSON: " + e.getMessage());
    }
  }

  private static String withoutSource(String message) {
    return SOURCE.matcher(message).replaceAll("[$1]");
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }
}
