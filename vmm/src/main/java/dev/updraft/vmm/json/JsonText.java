package dev.updraft.vmm.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.sys.Printable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading and writing JSON documents as Jackson trees. Trees are built and written with the
 * streaming parser and generator, not an {@code ObjectMapper}: building a mapper costs tens of
 * milliseconds of class initialisation, which would come out of the API's start-up and first
 * request, and neither the API nor the metadata service needs its data binding.
 */
public final class JsonText {
  // Duplicate keys are errors: a request means one thing or is rejected.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // Jackson names the input as "[Source: REDACTED ...; line: 1, column: 1]", which helps nobody.
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)\\]");

  private JsonText() {}

  /**
   * Parses a whole document: one JSON value and nothing after it. The parser's nesting limit bounds
   * the recursion, so a hostile document cannot exhaust the stack.
   *
   * @throws JsonTextException if it is not well-formed JSON
   */
  public static JsonNode parse(byte[] document) {
    try (JsonParser parser = FACTORY.createParser(document)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new JsonTextException("expected a JSON value, found an empty document");
      }
      JsonNode root = read(parser, first);
      if (parser.nextToken() != null) {
        throw new JsonTextException(
            "unexpected content after the JSON value" + where(parser.currentTokenLocation()));
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new JsonTextException(
          SOURCE.matcher(e.getOriginalMessage()).replaceAll("[$1]") + where(e.getLocation()));
    } catch (IOException e) {
      throw new JsonTextException("unreadable JSON: " + e.getMessage());
    } catch (NumberFormatException e) {
      // Jackson reads a number's value lazily and refuses some (3E222222222222) only then.
      throw new JsonTextException(
          "a number out of range: " + Printable.escape(String.valueOf(e.getMessage())));
    }
  }

  private static JsonNode read(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          object.set(name, read(parser, parser.nextToken()));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          array.add(read(parser, next));
        }
        yield array;
      }
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default ->
          throw new JsonTextException("unexpected " + token + where(parser.currentTokenLocation()));
    };
  }

  private static String where(JsonLocation at) {
    return at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** The compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      write(json, node);
    } catch (IOException e) {
      throw new UncheckedIOException("JSON to a string", e);
    }
    return out.toString();
  }

  /** {@code text} as a JSON string literal, quotes and escapes included. */
  public static String quote(String text) {
    return write(NODES.textNode(text));
  }

  private static void write(JsonGenerator json, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        json.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          json.writeFieldName(field.getKey());
          write(json, field.getValue());
        }
        json.writeEndObject();
      }
      case ARRAY -> {
        json.writeStartArray();
        for (JsonNode item : node) {
          write(json, item);
        }
        json.writeEndArray();
      }
      case STRING -> json.writeString(node.textValue());
      case NUMBER -> {
        if (node.isIntegralNumber()) {
          json.writeNumber(node.bigIntegerValue());
        } else {
          json.writeNumber(node.decimalValue());
        }
      }
      case BOOLEAN -> json.writeBoolean(node.booleanValue());
      default -> json.writeNull();
    }
  }
}
