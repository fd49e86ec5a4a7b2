package dev.updraft.mesh.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads a YAML configuration file into a validated {@link MeshConfig}. Unknown fields are errors;
 * every error names the file, line and column, the field and what was expected.
 */
public final class ConfigFile {
  private static final String UNKNOWN = "unknown field ";
  private static final ObjectMapper YAML = mapper();

  private ConfigFile() {}

  public static MeshConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new MeshConfigException("config: " + file + " does not exist");
    } catch (IOException e) {
      throw new MeshConfigException("config: cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), text);
  }

  /** Parses YAML text; {@code source} names it in errors. */
  public static MeshConfig parse(String source, String text) {
    try {
      MeshConfig config = YAML.readValue(text, MeshConfig.class);
      if (config == null) {
        throw new MeshConfigException(source + ": empty (expected: a YAML mapping)");
      }
      return config;
    } catch (JsonProcessingException e) {
      throw describe(source, text, e);
    }
  }

  private static MeshConfigException describe(
      String source, String text, JsonProcessingException e) {
    List<JsonMappingException.Reference> path =
        e instanceof JsonMappingException m ? m.getPath() : List.of();
    Throwable root = e;
    while (root.getCause() != null && !(root instanceof MeshConfigException)) {
      root = root.getCause();
    }
    String message =
        root instanceof MeshConfigException ? root.getMessage() : e.getOriginalMessage();
    String unknown = e.getOriginalMessage().startsWith(UNKNOWN) ? unknownField(e) : null;
    String where = YamlLocations.of(text).locate(path, unknown);
    if (where.isEmpty() && e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      where = e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
    }
    String field = path.isEmpty() ? "" : " (at " + pathText(path, unknown) + ")";
    return new MeshConfigException(
        source + (where.isEmpty() ? "" : ":" + where) + ": " + message + field, e);
  }

  private static String unknownField(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    int start = m.indexOf('"') + 1;
    return m.substring(start, m.indexOf('"', start));
  }

  private static String pathText(List<JsonMappingException.Reference> path, String extra) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (extra != null) {
      out.append(out.isEmpty() ? "" : ".").append(extra);
    }
    return out.toString();
  }

  private static ObjectMapper mapper() {
    SimpleModule module = new SimpleModule("updraft-mesh");
    module.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return Durations.parse(fieldName(p), p.getValueAsString());
          }
        });
    module.addDeserializer(
        HostPort.class,
        new JsonDeserializer<>() {
          @Override
          public HostPort deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return HostPort.parse(fieldName(p), p.getValueAsString());
          }
        });
    return JsonMapper.builder(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .addModule(module)
        .addHandler(
            new DeserializationProblemHandler() {
              @Override
              public boolean handleUnknownProperty(
                  DeserializationContext ctx,
                  JsonParser p,
                  JsonDeserializer<?> deserializer,
                  Object bean,
                  String property)
                  throws IOException {
                // Point at the unknown key itself, and list what would have been accepted.
                throw new JsonMappingException(
                    p,
                    UNKNOWN
                        + "\""
                        + property
                        + "\" (expected: one of "
                        + deserializer.getKnownPropertyNames()
                        + ")",
                    p.currentLocation());
              }
            })
        .build();
  }

  private static String fieldName(JsonParser p) throws IOException {
    String name = p.currentName();
    return name == null ? "value" : name;
  }
}
