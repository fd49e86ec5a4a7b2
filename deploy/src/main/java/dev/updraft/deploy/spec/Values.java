package dev.updraft.deploy.spec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated fields of one spec object, with defaults applied and each field's position kept for
 * checks that come later (references between services, dependency cycles).
 */
public final class Values {
  /** Where a value was written. */
  public record Position(int line, int column) {
    static final Position UNKNOWN = new Position(0, 0);
  }

  private final String path;
  private final Position position;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Position> positions = new LinkedHashMap<>();

  Values(String path, Position position) {
    this.path = path;
    this.position = position;
  }

  void put(String field, Object value, Position at) {
    values.put(field, value);
    positions.put(field, at);
  }

  /** The field path of this object, e.g. {@code applications.catalog}. */
  public String path() {
    return path;
  }

  public Position position() {
    return position;
  }

  /** Where a field was written; the object's own position when the field was defaulted. */
  public Position position(String field) {
    return positions.getOrDefault(field, position);
  }

  public boolean has(String field) {
    return values.get(field) != null;
  }

  public String string(String field) {
    return (String) values.get(field);
  }

  public int integer(String field) {
    Object v = values.get(field);
    return v == null ? 0 : ((Number) v).intValue();
  }

  public double number(String field) {
    Object v = values.get(field);
    return v == null ? 0 : ((Number) v).doubleValue();
  }

  public boolean bool(String field) {
    return Boolean.TRUE.equals(values.get(field));
  }

  public Duration duration(String field) {
    return (Duration) values.get(field);
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String field) {
    Object v = values.get(field);
    return v == null ? List.of() : (List<String>) v;
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> stringMap(String field) {
    Object v = values.get(field);
    return v == null ? Map.of() : (Map<String, String>) v;
  }

  public Values object(String field) {
    return (Values) values.get(field);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Values> objects(String field) {
    Object v = values.get(field);
    return v == null ? Map.of() : (Map<String, Values>) v;
  }

  @SuppressWarnings("unchecked")
  public List<Values> list(String field) {
    Object v = values.get(field);
    return v == null ? List.of() : (List<Values>) v;
  }
}
