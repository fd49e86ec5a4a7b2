package dev.updraft.deploy.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads updraft.yaml into an {@link EnvironmentSpec}, or fails with every problem at once: syntax,
 * unknown fields, wrong types and values, and what only the whole spec reveals (unknown services,
 * bad references, dependency cycles).
 */
public final class SpecParser {
  private SpecParser() {}

  public static EnvironmentSpec load(Path file) {
    return load(file, null);
  }

  /** Reads a spec; {@code target}, when not null, replaces the spec's own target. */
  public static EnvironmentSpec load(Path file, TargetName target) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(
          List.of(
              new Problem(file.toString(), 0, 0, "spec", null, "an updraft.yaml file at " + file)));
    } catch (IOException e) {
      throw new SpecException(
          List.of(new Problem(file.toString(), 0, 0, "spec", e.getMessage(), "a readable file")));
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(file.toString(), text, base, target);
  }

  public static EnvironmentSpec parse(String source, String text, Path baseDir) {
    return parse(source, text, baseDir, null);
  }

  /** Parses a spec; {@code target}, when not null, replaces the spec's own target. */
  public static EnvironmentSpec parse(String source, String text, Path baseDir, TargetName target) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // reported by the reader with a position instead
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new SpecException(List.of(YamlSyntax.problem(source, text, e)));
    } catch (ReaderException e) {
      throw new SpecException(List.of(YamlSyntax.unreadable(source, text, e)));
    } catch (YAMLException e) {
      // A limit of the loader (aliases, document size): about the whole document.
      throw new SpecException(
          List.of(
              new Problem(
                  source,
                  0,
                  0,
                  "yaml",
                  e.getMessage(),
                  "a YAML document within the loader's limits")));
    } catch (IllegalArgumentException e) {
      // SnakeYAML's own checks outside its exception type, such as a tag with spaces around it.
      throw new SpecException(
          List.of(new Problem(source, 0, 0, "yaml", e.getMessage(), "a valid YAML document")));
    }
    ShapeReader reader = new ShapeReader(source);
    if (root == null) {
      reader.problem(Values.Position.UNKNOWN, "spec", "", "a mapping with at least 'environment'");
      throw new SpecException(reader.problems());
    }
    Values values = reader.read(root, Shapes.SPEC, "");
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, Values> positions = new LinkedHashMap<>();
    EnvironmentSpec.Kubernetes kubernetes = kubernetes(values.object("kubernetes"));
    bind(values, reader, kubernetes.baseImage(), services, positions);
    EnvironmentSpec spec =
        new EnvironmentSpec(
            values.has("environment") ? values.string("environment") : "invalid",
            // A word that names no target is a problem the reader reported; the spec is not used.
            target != null
                ? target
                : TargetName.of(values.string("target")).orElse(TargetName.LOCAL),
            baseDir,
            services,
            kubernetes);
    new SpecChecks(reader, spec, positions).run();
    List<Problem> problems = new ArrayList<>(reader.problems());
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
      throw new SpecException(problems);
    }
    return spec;
  }

  private static void bind(
      Values root,
      ShapeReader reader,
      String baseImage,
      Map<String, Service> services,
      Map<String, Values> positions) {
    String[] sections = {"applications", "containers", "jobs", "databases", "routers"};
    for (String section : sections) {
      for (Map.Entry<String, Values> entry : root.objects(section).entrySet()) {
        String name = entry.getKey();
        Values v = entry.getValue();
        if (services.containsKey(name)) {
          reader.problem(
              v.position(),
              section + "." + name,
              name,
              "a name not used by another service ("
                  + services.get(name).kind()
                  + " "
                  + name
                  + ")");
          continue;
        }
        positions.put(name, v);
        services.put(name, service(section, name, v, baseImage));
      }
    }
  }

  private static Service service(String section, String name, Values v, String baseImage) {
    return switch (section) {
      case "applications" ->
          new Service.Application(
              name,
              process(v, baseImage),
              port(v),
              v.integer("instances"),
              health(v),
              resources(v),
              autoscale(v),
              v.strings("dependsOn"),
              v.has("allow") ? v.strings("allow") : null);
      case "containers" ->
          new Service.Container(
              name,
              v.string("image"),
              v.string("command"),
              v.stringMap("env"),
              secrets(v),
              port(v),
              v.integer("instances"),
              health(v),
              resources(v),
              autoscale(v),
              v.strings("dependsOn"));
      case "jobs" ->
          new Service.Job(
              name,
              process(v, baseImage),
              // Absent only when the job is no mapping at all, a problem reported already.
              v.has("when") ? Service.When.of(v.string("when")) : Service.When.START,
              v.string("schedule"),
              v.string("timezone"),
              v.duration("timeout"),
              v.strings("outputs"),
              v.has("resources") ? resources(v) : null,
              v.strings("dependsOn"));
      case "databases" ->
          new Service.Database(name, engine(v.string("engine")), v.string("version"), port(v));
      default ->
          new Service.Router(
              name,
              v.integer("port"),
              v.strings("hosts"),
              v.list("routes").stream()
                  .map(r -> new Service.Route(r.string("path"), r.string("service")))
                  .toList(),
              v.has("timeout") ? v.duration("timeout") : null);
    };
  }

  private static Service.Process process(Values v, String baseImage) {
    return new Service.Process(
        v.string("path"),
        v.string("build"),
        v.string("command"),
        v.stringMap("env"),
        secrets(v),
        v.has("baseImage") ? v.string("baseImage") : baseImage);
  }

  private static Map<String, Service.SecretRef> secrets(Values v) {
    Map<String, Service.SecretRef> result = new LinkedHashMap<>();
    v.objects("secrets")
        .forEach(
            (k, s) ->
                result.put(
                    k,
                    new Service.SecretRef(s.string("env"), s.string("file"), s.string("value"))));
    return result;
  }

  /** The engine its shape let through (one of its words), or null when the shape refused it. */
  private static DatabaseEngine engine(String word) {
    return word == null ? null : DatabaseEngine.parse(word);
  }

  private static Integer port(Values v) {
    return v.has("port") ? v.integer("port") : null;
  }

  private static Service.Health health(Values v) {
    Values h = v.object("health");
    if (h == null) {
      return Service.Health.TCP;
    }
    return new Service.Health(
        h.string("path"),
        h.duration("interval"),
        h.duration("timeout"),
        h.duration("startTimeout"));
  }

  private static Service.Resources resources(Values v) {
    Values r = v.object("resources");
    return r == null
        ? Service.Resources.NONE
        : new Service.Resources(r.string("memory"), r.has("cpu") ? r.number("cpu") : null);
  }

  private static Service.Autoscale autoscale(Values v) {
    Values a = v.object("autoscale");
    return a == null ? null : new Service.Autoscale(a.integer("max"), a.integer("cpu"));
  }

  private static EnvironmentSpec.Kubernetes kubernetes(Values v) {
    return v == null
        ? EnvironmentSpec.Kubernetes.DEFAULT
        : new EnvironmentSpec.Kubernetes(
            v.string("context"),
            v.string("namespace"),
            v.string("ingressClass"),
            v.string("gateway"),
            v.string("registry"),
            v.duration("timeout"),
            v.string("baseImage"),
            v.bool("insecureRegistry"),
            v.string("meshImage"));
  }
}
