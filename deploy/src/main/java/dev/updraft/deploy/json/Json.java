package dev.updraft.deploy.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.updraft.sys.Printable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON text to and from plain values: {@link Map} (objects, in their order), {@link List}, {@link
 * String}, {@link Number}, {@link Boolean} and null, with jackson-core's streaming parser and
 * generator. The engine's records map themselves to these by hand: an {@code ObjectMapper} costs a
 * short CLI run ~100 ms of class loading and introspection before its first line is read (a no-op
 * {@code updraft up} reads the journal and talks to the supervisor, docs/benchmarks.md "deploy").
 */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /**
   * Parses one JSON object; what follows it is ignored, as an {@code ObjectMapper} ignores it.
   *
   * @throws IOException if the text does not start with a whole object (a torn line, say)
   */
  public static JsonObject parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object: " + abbreviate(text));
      }
      return new JsonObject(object(parser));
    } catch (JsonProcessingException e) {
      // Jackson puts the location on a second line; a protocol or journal error is one line.
      JsonLocation at = e.getLocation();
      throw new IOException(
          Printable.escape(e.getOriginalMessage())
              + (at == null ? "" : " at column " + at.getColumnNr()),
          e);
    }
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      parser.nextToken();
      fields.put(name, value(parser));
    }
    return fields;
  }

  // The parser rejects end of input inside an object or array, so no token here is null.
  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(parser));
        }
        yield items;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected JSON token " + parser.currentToken());
    };
  }

  /** An object of {@code namesAndValues} (name, value, name, value, ...), in that order. */
  public static Map<String, Object> object(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return fields;
  }

  /** {@code items} made plain values by {@code convert}, in order; null stays null. */
  public static <T> List<Object> list(List<T> items, Function<T, Object> convert) {
    if (items == null) {
      return null;
    }
    List<Object> values = new ArrayList<>();
    items.forEach(item -> values.add(convert.apply(item)));
    return values;
  }

  /** {@code map}'s values made plain values by {@code convert}, in order; null stays null. */
  public static <T> Map<String, Object> map(Map<String, T> map, Function<T, Object> convert) {
    if (map == null) {
      return null;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    map.forEach((name, value) -> values.put(name, convert.apply(value)));
    return values;
  }

  /** The compact JSON text of a plain value (see the class comment). */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      write(json, value);
    } catch (IOException e) {
      throw new UncheckedIOException("JSON to a string", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case String s -> json.writeString(s);
      case Word w -> json.writeString(w.word());
      case Boolean b -> json.writeBoolean(b);
      case Integer i -> json.writeNumber(i);
      case Long l -> json.writeNumber(l);
      case Number n -> json.writeNumber(n.toString());
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> field : map.entrySet()) {
          json.writeFieldName((String) field.getKey());
          write(json, field.getValue());
        }
        json.writeEndObject();
      }
      case Iterable<?> items -> {
        json.writeStartArray();
        for (Object item : items) {
          write(json, item);
        }
        json.writeEndArray();
      }
      default ->
          throw new IllegalArgumentException(
              "value: " + value.getClass().getName() + " (expected: a plain JSON value)");
    }
  }

  static String abbreviate(String text) {
    return Printable.escape(text.length() <= 60 ? text : text.substring(0, 60) + "...");
  }
}
