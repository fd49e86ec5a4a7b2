package dev.updraft.deploy.json;

import dev.updraft.sys.Printable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A parsed JSON object, read field by field as the engine's records need it. An absent field reads
 * as a null field does (null, or 0 and false for primitives), as Jackson's data binding reads it; a
 * field of the wrong type is an {@link IOException}, like unreadable JSON.
 */
public record JsonObject(Map<String, Object> fields) {
  public JsonObject {
    if (fields == null) {
      throw new IllegalArgumentException("fields: null (expected: a map)");
    }
  }

  /** Fails unless every field is one of {@code names}: for messages that reject unknown fields. */
  public JsonObject only(Set<String> names) throws IOException {
    for (String name : fields.keySet()) {
      if (!names.contains(name)) {
        throw new IOException(
            "unknown field " + Printable.escape(name) + " (expected: one of " + names + ")");
      }
    }
    return this;
  }

  public String string(String name) throws IOException {
    return as(name, String.class);
  }

  public Integer integer(String name) throws IOException {
    Number n = as(name, Number.class);
    return n == null ? null : n.intValue();
  }

  public int intValue(String name) throws IOException {
    Integer n = integer(name);
    return n == null ? 0 : n;
  }

  public Long longObject(String name) throws IOException {
    Number n = as(name, Number.class);
    return n == null ? null : n.longValue();
  }

  public Double doubleObject(String name) throws IOException {
    Number n = as(name, Number.class);
    return n == null ? null : n.doubleValue();
  }

  /**
   * A word of a closed set ({@link Word}); null when the field is absent.
   *
   * @throws IOException naming the field, the word and the words expected when it is none of them
   */
  public <E extends Enum<E> & Word> E word(String name, Class<E> type) throws IOException {
    String word = string(name);
    if (word == null) {
      return null;
    }
    try {
      return Word.parse(type, Printable.escape(name), word);
    } catch (IllegalArgumentException e) {
      throw new IOException(Printable.escape(e.getMessage()), e);
    }
  }

  public boolean bool(String name) throws IOException {
    Boolean b = as(name, Boolean.class);
    return b != null && b;
  }

  /** A nested object, or null. */
  public JsonObject object(String name) throws IOException {
    Map<?, ?> map = as(name, Map.class);
    return map == null ? null : wrap(name, map);
  }

  /** Makes a value of a nested object. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(JsonObject object) throws IOException;
  }

  /** An array of objects, each made a value by {@code read}; or null. */
  public <T> List<T> objects(String name, Reader<T> read) throws IOException {
    List<?> items = as(name, List.class);
    if (items == null) {
      return null;
    }
    List<T> values = new ArrayList<>();
    for (Object item : items) {
      values.add(read.read(wrap(name, item)));
    }
    return values;
  }

  /** An object whose values are objects, each made a value by {@code read}; or null. */
  public <T> Map<String, T> objectMap(String name, Reader<T> read) throws IOException {
    Map<?, ?> map = as(name, Map.class);
    if (map == null) {
      return null;
    }
    Map<String, T> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      values.put((String) e.getKey(), read.read(wrap(name + "." + e.getKey(), e.getValue())));
    }
    return values;
  }

  /** An array of strings, or null. */
  public List<String> strings(String name) throws IOException {
    List<?> items = as(name, List.class);
    if (items == null) {
      return null;
    }
    List<String> strings = new ArrayList<>();
    for (Object item : items) {
      strings.add(element(name, item, String.class));
    }
    return strings;
  }

  /** An object whose values are strings, or null. */
  public Map<String, String> stringMap(String name) throws IOException {
    return map(name, String.class, v -> v);
  }

  /** An object whose values are integers, or null. */
  public Map<String, Integer> integerMap(String name) throws IOException {
    return map(name, Number.class, Number::intValue);
  }

  private <T, R> Map<String, R> map(String name, Class<T> type, Function<T, R> convert)
      throws IOException {
    Map<?, ?> map = as(name, Map.class);
    if (map == null) {
      return null;
    }
    Map<String, R> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      T value = element(name + "." + e.getKey(), e.getValue(), type);
      values.put((String) e.getKey(), value == null ? null : convert.apply(value));
    }
    return values;
  }

  private <T> T as(String name, Class<T> type) throws IOException {
    return element(name, fields.get(name), type);
  }

  private static <T> T element(String name, Object value, Class<T> type) throws IOException {
    if (value == null || type.isInstance(value)) {
      return type.cast(value);
    }
    throw new IOException(
        Printable.escape(name)
            + ": "
            + Json.abbreviate(String.valueOf(value))
            + " (expected: "
            + type.getSimpleName().toLowerCase(Locale.ROOT)
            + ")");
  }

  @SuppressWarnings("unchecked")
  private static JsonObject wrap(String name, Object value) throws IOException {
    Map<?, ?> map = element(name, value, Map.class);
    if (map == null) {
      throw new IOException(name + ": null (expected: an object)");
    }
    return new JsonObject((Map<String, Object>) map);
  }
}
