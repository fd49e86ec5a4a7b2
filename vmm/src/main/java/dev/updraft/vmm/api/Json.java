package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.json.JsonTextException;

/** {@link JsonText} for the API: malformed JSON is a {@link JsonFieldException}. */
final class Json {
  private Json() {}

  /**
   * Parses a whole document: one JSON value and nothing after it.
   *
   * @throws JsonFieldException if it is not well-formed JSON
   */
  static JsonNode parse(byte[] document) {
    try {
      return JsonText.parse(document);
    } catch (JsonTextException e) {
      throw new JsonFieldException(e.getMessage());
    }
  }

  static ObjectNode object() {
    return JsonText.object();
  }

  /** The compact JSON text of {@code node}. */
  static String write(JsonNode node) {
    return JsonText.write(node);
  }

  /** {@code text} as a JSON string literal, quotes and escapes included. */
  static String quote(String text) {
    return JsonText.quote(text);
  }
}
