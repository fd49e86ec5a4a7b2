package dev.updraft.deploy.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/** Generates the JSON Schema (draft 2020-12) of updraft.yaml from the {@link Shapes}. */
public final class JsonSchema {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonSchema() {}

  public static String generate() {
    ObjectNode schema = object(Shapes.SPEC);
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", "https://updraft.dev/schema/updraft.yaml.json");
    root.put("title", "updraft environment spec");
    root.setAll(schema);
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("schema serialisation", e);
    }
  }

  private static ObjectNode object(Shape shape) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "object");
    node.put("description", shape.description());
    node.put("additionalProperties", false);
    ObjectNode properties = node.putObject("properties");
    ArrayNode required = JSON.createArrayNode();
    for (Shape.Field field : shape.fields().values()) {
      ObjectNode property = type(field.type());
      property.put("description", field.description());
      Object def = field.defaultValue();
      if (def instanceof Duration d) {
        property.put(
            "default", d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms");
      } else if (def instanceof Long l) {
        property.put("default", l);
      } else if (def instanceof String s) {
        property.put("default", s);
      } else if (def instanceof Boolean b) {
        property.put("default", b);
      }
      properties.set(field.name(), property);
      if (field.required()) {
        required.add(field.name());
      }
    }
    if (!required.isEmpty()) {
      node.set("required", required);
    }
    for (List<String> group : shape.exclusive()) {
      ObjectNode not = JSON.createObjectNode();
      ArrayNode anyOf = not.putArray("anyOf");
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          ObjectNode both = JSON.createObjectNode();
          both.putArray("required").add(group.get(i)).add(group.get(j));
          anyOf.add(both);
        }
      }
      node.withArray("allOf").add(JSON.createObjectNode().set("not", not));
    }
    return node;
  }

  private static ObjectNode type(FieldType type) {
    ObjectNode node = JSON.createObjectNode();
    switch (type) {
      case FieldType.Str s -> {
        node.put("type", "string");
        if (s.pattern() != null) {
          node.put("pattern", "^(?:" + s.pattern() + ")$");
        }
      }
      case FieldType.Int i ->
          node.put("type", "integer").put("minimum", i.min()).put("maximum", i.max());
      case FieldType.Num n ->
          node.put("type", "number").put("minimum", n.min()).put("maximum", n.max());
      case FieldType.Bool b -> node.put("type", "boolean");
      case FieldType.Dur d -> node.put("type", "string").put("pattern", "^[0-9]+(ms|s|m|h)$");
      case FieldType.Size z ->
          node.put("type", "string").put("pattern", "^(?:" + MemorySize.PATTERN + ")$");
      case FieldType.Choice c -> {
        node.put("type", "string");
        c.values().forEach(node.putArray("enum")::add);
      }
      case FieldType.StrList l -> {
        node.put("type", "array");
        ObjectNode items = node.putObject("items").put("type", "string");
        if (l.pattern() != null) {
          items.put("pattern", "^(?:" + l.pattern() + ")$");
        }
      }
      case FieldType.StrMap m -> {
        node.put("type", "object");
        node.putObject("propertyNames").put("pattern", "^(?:" + m.keyPattern() + ")$");
        node.putObject("additionalProperties").put("type", "string");
      }
      case FieldType.Obj o -> node.setAll(object(o.shape()));
      case FieldType.MapOf m -> {
        node.put("type", "object");
        node.putObject("propertyNames").put("pattern", "^(?:" + m.keyPattern() + ")$");
        node.set("additionalProperties", object(m.shape()));
      }
      case FieldType.ListOf l -> {
        node.put("type", "array");
        node.set("items", object(l.shape()));
      }
    }
    return node;
  }
}
