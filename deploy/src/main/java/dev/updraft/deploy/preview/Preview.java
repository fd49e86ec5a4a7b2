package dev.updraft.deploy.preview;

import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.json.JsonObject;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What makes an environment a preview, kept in its state directory as {@code preview.json}: its
 * source, the spec it is derived from, when it was made, how long it lives, and the router ports
 * chosen for it (so that every later apply keeps them; service ports are the journal's).
 *
 * @param ttl how long it lives from {@code created}, or null: until deleted
 */
public record Preview(
    String name,
    String source,
    Path spec,
    Instant created,
    Duration ttl,
    Map<String, Integer> routerPorts) {
  public static final String FILE = "preview.json";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public Preview {
    checkName("name", name);
    checkName("source", source);
    if (name.equals(source)) {
      throw new IllegalArgumentException(
          "name: \"" + name + "\" (expected: a name other than its source's)");
    }
    if (spec == null || created == null) {
      throw new IllegalArgumentException("spec and created: null (expected: a path and a time)");
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: a positive duration)");
    }
    routerPorts.forEach(
        (router, port) -> {
          if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                "routerPorts." + router + ": " + port + " (expected: a port from 1 to 65535)");
          }
        });
    routerPorts = Map.copyOf(routerPorts);
  }

  /** Fails unless {@code value} is a DNS label: previews become directories and namespaces. */
  static void checkName(String field, String value) {
    if (value == null || !DNS_LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + ": \""
              + value
              + "\" (expected: a lower-case DNS label: letters, digits and '-', at most 63)");
    }
  }

  /** When it is removed, or null. */
  public Instant expires() {
    return ttl == null ? null : created.plus(ttl);
  }

  public void write(Path dir) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", name);
    fields.put("source", source);
    fields.put("spec", spec.toString());
    fields.put("created", created.toString());
    fields.put("ttl", ttl == null ? null : ttl.toString());
    fields.put("routerPorts", new LinkedHashMap<>(routerPorts));
    PrivateFiles.write(dir.resolve(FILE), Json.write(fields));
  }

  /** The preview whose state directory is {@code dir}. */
  public static Preview read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      JsonObject json = Json.parse(Files.readString(file));
      Map<String, Integer> ports = new LinkedHashMap<>();
      JsonObject routers = json.object("routerPorts");
      if (routers != null) {
        for (String router : routers.fields().keySet()) {
          ports.put(router, routers.intValue(router));
        }
      }
      String ttl = json.string("ttl");
      return new Preview(
          json.string("name"),
          json.string("source"),
          Path.of(json.string("spec")),
          Instant.parse(json.string("created")),
          ttl == null ? null : Duration.parse(ttl),
          ports);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
