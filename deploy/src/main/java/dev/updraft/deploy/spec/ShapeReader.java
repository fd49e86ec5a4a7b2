package dev.updraft.deploy.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads YAML nodes against {@link Shape}s. It never stops at the first mistake: every problem is
 * recorded with its line, column, field path, value and expectation, and reading goes on, so the
 * user sees all of them at once.
 */
final class ShapeReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final String file;
  private final List<Problem> problems = new ArrayList<>();
  // Position of every scalar by its full path, for checks that run after reading.
  private final Map<String, Values.Position> scalars = new java.util.HashMap<>();

  ShapeReader(String file) {
    this.file = file;
  }

  List<Problem> problems() {
    return problems;
  }

  /** Where the scalar at {@code path} was written, or {@code fallback}. */
  Values.Position positionOf(String path, Values.Position fallback) {
    return scalars.getOrDefault(path, fallback);
  }

  void problem(Values.Position at, String path, String value, String expected) {
    // The root's path is empty: name it as the parser does a spec that is empty.
    String field = path.isEmpty() ? "spec" : path;
    problems.add(new Problem(file, at.line(), at.column(), field, value, expected));
  }

  Values read(Node node, Shape shape, String path) {
    Values values = new Values(path, position(node));
    if (!(node instanceof MappingNode mapping)) {
      problem(position(node), path, text(node), "a mapping (" + shape.description() + ")");
      return values;
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = text(tuple.getKeyNode());
      String fieldPath = path.isEmpty() ? key : path + "." + key;
      Shape.Field field = shape.fields().get(key);
      if (field == null) {
        problem(
            position(tuple.getKeyNode()),
            fieldPath,
            key,
            "one of the fields " + shape.fields().keySet());
        continue;
      }
      if (!seen.add(key)) {
        problem(position(tuple.getKeyNode()), fieldPath, key, "each field once");
        continue;
      }
      Object value = value(tuple.getValueNode(), field.type(), fieldPath);
      if (value != null) {
        values.put(key, value, position(tuple.getValueNode()));
      }
    }
    for (Shape.Field field : shape.fields().values()) {
      if (!seen.contains(field.name())) {
        if (field.required()) {
          problem(
              values.position(),
              path.isEmpty() ? field.name() : path + "." + field.name(),
              null,
              field.description());
        } else if (field.defaultValue() != null) {
          values.put(field.name(), field.defaultValue(), values.position());
        }
      }
    }
    for (List<String> group : shape.exclusive()) {
      List<String> given = group.stream().filter(seen::contains).toList();
      if (given.size() > 1) {
        problem(values.position(), path, String.join(", ", given), "only one of " + group);
      }
    }
    return values;
  }

  private Object value(Node node, FieldType type, String path) {
    return switch (type) {
      case FieldType.Str s -> string(node, path, s.pattern(), s.expected());
      case FieldType.Int i -> integer(node, path, i.min(), i.max());
      case FieldType.Num n -> number(node, path, n.min(), n.max());
      case FieldType.Bool b -> bool(node, path);
      case FieldType.Dur d -> duration(node, path);
      case FieldType.Size z -> size(node, path);
      case FieldType.Choice c -> choice(node, path, c.values());
      case FieldType.StrList l -> stringList(node, path, l.pattern(), l.expected());
      case FieldType.StrMap m -> stringMap(node, path, m.keyPattern(), m.expected());
      case FieldType.Obj o -> read(node, o.shape(), path);
      case FieldType.MapOf m -> objects(node, path, m);
      case FieldType.ListOf l -> list(node, path, l.shape());
    };
  }

  private String string(Node node, String path, String pattern, String expected) {
    if (!(node instanceof ScalarNode scalar)) {
      problem(position(node), path, text(node), expected);
      return null;
    }
    String value = scalar.getValue();
    scalars.put(path, position(node));
    if (pattern != null && !value.matches(pattern)) {
      problem(position(node), path, value, expected);
      return null;
    }
    return value;
  }

  private Long integer(Node node, String path, long min, long max) {
    String expected = "a whole number from " + min + " to " + max;
    String text = string(node, path, null, expected);
    if (text == null) {
      return null;
    }
    try {
      long v = Long.parseLong(text.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(position(node), path, text, expected);
    return null;
  }

  private Double number(Node node, String path, double min, double max) {
    String expected = "a number from " + min + " to " + max;
    String text = string(node, path, null, expected);
    if (text == null) {
      return null;
    }
    try {
      double v = Double.parseDouble(text.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(position(node), path, text, expected);
    return null;
  }

  private Boolean bool(Node node, String path) {
    String text = string(node, path, null, "true or false");
    if (text == null) {
      return null;
    }
    return switch (text) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> {
        problem(position(node), path, text, "true or false");
        yield null;
      }
    };
  }

  private Duration duration(Node node, String path) {
    String expected = "a duration such as 500ms, 30s, 5m or 1h";
    String text = string(node, path, null, expected);
    if (text == null) {
      return null;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      problem(position(node), path, text, expected);
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** The text as written (the Kubernetes target passes it on), once it is known to parse. */
  private String size(Node node, String path) {
    String text = string(node, path, null, MemorySize.EXPECTED);
    if (text == null) {
      return null;
    }
    try {
      MemorySize.parse(text);
      return text;
    } catch (MemorySize.InvalidSize e) {
      problem(position(node), path, text, e.expected());
      return null;
    }
  }

  private String choice(Node node, String path, List<String> values) {
    String expected = "one of " + values;
    String text = string(node, path, null, expected);
    if (text != null && !values.contains(text)) {
      problem(position(node), path, text, expected);
      return null;
    }
    return text;
  }

  private List<String> stringList(Node node, String path, String pattern, String expected) {
    if (!(node instanceof SequenceNode sequence)) {
      problem(position(node), path, text(node), "a list of " + expected);
      return null;
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      String v = string(sequence.getValue().get(i), path + "[" + i + "]", pattern, expected);
      if (v != null) {
        result.add(v);
      }
    }
    return List.copyOf(result);
  }

  private Map<String, String> stringMap(
      Node node, String path, String keyPattern, String expected) {
    if (!(node instanceof MappingNode mapping)) {
      problem(position(node), path, text(node), "a mapping of names to values");
      return null;
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = text(tuple.getKeyNode());
      if (keyPattern != null && !key.matches(keyPattern)) {
        problem(position(tuple.getKeyNode()), path + "." + key, key, expected);
        continue;
      }
      String v = string(tuple.getValueNode(), path + "." + key, null, "a string value");
      if (v != null) {
        result.put(key, v);
      }
    }
    return result;
  }

  private Map<String, Values> objects(Node node, String path, FieldType.MapOf type) {
    if (!(node instanceof MappingNode mapping)) {
      problem(
          position(node), path, text(node), "a mapping of names to " + type.shape().description());
      return null;
    }
    Map<String, Values> result = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = text(tuple.getKeyNode());
      if (!key.matches(type.keyPattern())) {
        problem(position(tuple.getKeyNode()), path + "." + key, key, type.expected());
        continue;
      }
      result.put(key, read(tuple.getValueNode(), type.shape(), path + "." + key));
    }
    return result;
  }

  private List<Values> list(Node node, String path, Shape shape) {
    if (!(node instanceof SequenceNode sequence)) {
      problem(position(node), path, text(node), "a list of " + shape.description());
      return null;
    }
    List<Values> result = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      result.add(read(sequence.getValue().get(i), shape, path + "[" + i + "]"));
    }
    return result;
  }

  static Values.Position position(Node node) {
    return node == null
        ? Values.Position.UNKNOWN
        : new Values.Position(
            node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
  }

  static String text(Node node) {
    if (node instanceof ScalarNode scalar) {
      return scalar.getValue();
    }
    if (node instanceof SequenceNode) {
      return "[...]";
    }
    return node instanceof MappingNode ? "{...}" : "";
  }
}
