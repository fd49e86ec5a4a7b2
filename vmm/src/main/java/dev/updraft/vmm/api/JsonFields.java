package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.WireNamed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Typed access to the fields of one JSON object, where every problem is reported with the field's
 * path: unknown fields (named, with the ones allowed), missing required fields, wrong types. A JSON
 * {@code null} counts as absent only in the fields declared {@link #nullable}, Firecracker's {@code
 * Option} fields; anywhere else it is refused, as serde refuses it for a plain bool, number, string
 * or list.
 */
final class JsonFields {
  private static final int MAX_SHOWN = 60;

  private final ObjectNode node;
  private final String path;
  private Set<String> nullable = Set.of();

  private JsonFields(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The object at {@code path} ("" for a request body). */
  static JsonFields of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new JsonFieldException(
          (path.isEmpty() ? "document" : path) + ": " + shown(node) + " (expected: a JSON object)");
    }
    return new JsonFields((ObjectNode) node, path);
  }

  String path() {
    return path;
  }

  /** Rejects any field not in {@code allowed}. */
  JsonFields only(String... allowed) {
    Set<String> names = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new JsonFieldException(
            at(name) + ": unknown field (expected one of: " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  /**
   * Declares the fields that may be {@code null} (meaning absent); a {@code null} in any other
   * field is refused when the field is read.
   */
  JsonFields nullable(String... names) {
    nullable = Set.of(names);
    return this;
  }

  /** Whether the field is there; a refused {@code null} counts, so that reading it reports it. */
  boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !(value.isNull() && nullable.contains(name));
  }

  /** Whether the field is present and a JSON string (for fields that take a path or an object). */
  boolean isText(String name) {
    JsonNode value = node.get(name);
    return value != null && value.isTextual();
  }

  String string(String name) {
    return typed(name, JsonNode::isTextual, JsonNode::textValue, "a string");
  }

  String requiredString(String name) {
    return required(name, string(name), "a string");
  }

  Path path(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    if (value.isEmpty() || value.indexOf('\0') >= 0) {
      throw wrong(name, node.get(name), "a file path");
    }
    return Path.of(value);
  }

  Path requiredPath(String name) {
    return required(name, path(name), "a file path");
  }

  Boolean bool(String name) {
    return typed(name, JsonNode::isBoolean, JsonNode::booleanValue, "true or false");
  }

  boolean requiredBool(String name) {
    return required(name, bool(name), "true or false");
  }

  boolean bool(String name, boolean fallback) {
    Boolean value = bool(name);
    return value != null ? value : fallback;
  }

  Long int64(String name) {
    return typed(
        name, v -> v.isIntegralNumber() && v.canConvertToLong(), JsonNode::longValue, "an integer");
  }

  long int64(String name, long fallback) {
    Long value = int64(name);
    return value != null ? value : fallback;
  }

  long requiredInt64(String name) {
    return required(name, int64(name), "an integer");
  }

  Integer int32(String name) {
    Long value = int64(name);
    if (value == null) {
      return null;
    }
    if (value != value.intValue()) {
      throw wrong(
          name,
          node.get(name),
          "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }
    return value.intValue();
  }

  int requiredInt32(String name) {
    return required(name, int32(name), "an integer");
  }

  <E extends Enum<E> & WireNamed> E wireEnum(String name, Class<E> type) {
    return wireEnum(name, type, WireNamed::wireName);
  }

  /** The same for a device-level enum that spells itself without implementing WireNamed. */
  <E extends Enum<E>> E wireEnum(String name, Class<E> type, Function<? super E, String> wireName) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    return build(() -> WireNamed.parse(type, wireName, name, value, false));
  }

  /** A nested object, or null if absent. */
  JsonFields object(String name) {
    JsonNode value = value(name, "a JSON object");
    return value == null ? null : of(value, at(name));
  }

  /** An array of objects; empty if absent. */
  List<JsonFields> objects(String name) {
    JsonNode value = value(name, "an array");
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw wrong(name, value, "an array");
    }
    List<JsonFields> items = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      items.add(of(value.get(i), at(name) + "[" + i + "]"));
    }
    return items;
  }

  /** An array of strings; null if absent. */
  List<String> strings(String name) {
    JsonNode value = value(name, "an array of strings");
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw wrong(name, value, "an array of strings");
    }
    List<String> items = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual()) {
        throw new JsonFieldException(
            at(name) + "[" + i + "]: " + shown(item) + " (expected: a string)");
      }
      items.add(item.textValue());
    }
    return items;
  }

  List<String> requiredStrings(String name) {
    return required(name, strings(name), "an array of strings");
  }

  /** An object whose values are all strings; empty if absent. */
  Map<String, String> stringMap(String name) {
    JsonFields map = object(name);
    if (map == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Iterator<String> it = map.node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      result.put(key, map.requiredString(key));
    }
    return result;
  }

  /**
   * Builds a value from these fields, putting this object's path in front of a {@link
   * ConfigException} from its validation, e.g. {@code "drives[1]: drive_id: ..."}.
   */
  <T> T build(Supplier<T> builder) {
    try {
      return builder.get();
    } catch (ConfigException e) {
      throw path.isEmpty() ? e : e.at(path);
    }
  }

  /** The field's value if present and of the right kind, null if absent. */
  private <T> T typed(
      String name, Predicate<JsonNode> accepts, Function<JsonNode, T> extract, String expected) {
    JsonNode value = value(name, expected);
    if (value == null) {
      return null;
    }
    if (!accepts.test(value)) {
      throw wrong(name, value, expected);
    }
    return extract.apply(value);
  }

  /** The field's value; null if absent or a permitted null; a refused null is reported. */
  private JsonNode value(String name, String expected) {
    JsonNode value = node.get(name);
    if (value == null) {
      return null;
    }
    if (value.isNull()) {
      if (nullable.contains(name)) {
        return null;
      }
      throw wrong(name, value, expected);
    }
    return value;
  }

  private <T> T required(String name, T value, String expected) {
    if (value == null) {
      throw new JsonFieldException(at(name) + ": missing (expected: " + expected + ")");
    }
    return value;
  }

  private JsonFieldException wrong(String name, JsonNode value, String expected) {
    return new JsonFieldException(at(name) + ": " + shown(value) + " (expected: " + expected + ")");
  }

  private String at(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String shown(JsonNode value) {
    String text = value == null ? "nothing" : Json.write(value);
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
