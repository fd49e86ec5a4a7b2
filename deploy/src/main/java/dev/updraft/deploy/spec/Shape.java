package dev.updraft.deploy.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields an object of the spec may have: the single description from which the reader validates
 * input and the JSON Schema is generated, so the two cannot drift apart.
 */
public final class Shape {
  /** One field: its name, type, whether it is required, its default and its documentation. */
  public record Field(
      String name, FieldType type, boolean required, Object defaultValue, String description) {}

  private final String name;
  private final String description;
  private final Map<String, Field> fields = new LinkedHashMap<>();
  private final List<List<String>> exclusive = new ArrayList<>();

  private Shape(String name, String description) {
    this.name = name;
    this.description = description;
  }

  public static Shape of(String name, String description) {
    return new Shape(name, description);
  }

  public Shape required(String field, FieldType type, String description) {
    fields.put(field, new Field(field, type, true, null, description));
    return this;
  }

  public Shape optional(String field, FieldType type, Object defaultValue, String description) {
    fields.put(field, new Field(field, type, false, defaultValue, description));
    return this;
  }

  /** At most one of these fields may be given (e.g. a secret from env, file or value). */
  public Shape oneOf(String... names) {
    exclusive.add(List.of(names));
    return this;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public Map<String, Field> fields() {
    return fields;
  }

  public List<List<String>> exclusive() {
    return exclusive;
  }
}
