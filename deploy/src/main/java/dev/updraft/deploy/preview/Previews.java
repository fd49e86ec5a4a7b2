package dev.updraft.deploy.preview;

import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.Expiry;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.PreviewData;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.StateDirectory;
import dev.updraft.mesh.transport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The previews of the environments whose specs live in one directory: each is an environment of its
 * own beside its source's, in {@code .updraft/<preview>/}, its spec derived from its source's
 * ({@link PreviewSpec}) every time it is read, so a preview follows its source's code.
 */
public final class Previews {
  private final Path sourceSpec;
  private final Function<Path, Engine> engines;

  /**
   * @param sourceSpec the spec file of the environments previews are made from
   * @param engines an engine on a spec file, reporting as the caller wants
   */
  public Previews(Path sourceSpec, Function<Path, Engine> engines) {
    this.sourceSpec = sourceSpec.toAbsolutePath();
    this.engines = engines;
  }

  /** A preview with where it answers. */
  public record Listed(Preview preview, String url) {}

  /**
   * Makes the preview {@code name} of the environment {@code from}: its state, ports and data
   * copied from the source's as they are now, then applied. A failed apply leaves the preview for
   * {@link #delete} (its log and journal say what failed).
   */
  public Engine.Outcome create(String name, String from, Duration ttl) {
    Engine source = engines.apply(sourceSpec);
    EnvironmentSpec spec = source.spec();
    if (!spec.environment().equals(from)) {
      throw new IllegalArgumentException(
          "--from: \""
              + from
              + "\" (expected: the environment of "
              + sourceSpec
              + ", \""
              + spec.environment()
              + "\")");
    }
    Preview.checkName("NAME", name);
    Path dir = root(spec).resolve(name);
    if (Files.exists(dir)) {
      throw new DeployException(
          "PREVIEW_EXISTS",
          "preview " + name + ": " + dir + " exists already (a preview or environment)",
          "choose another name, or updraft deploy preview delete " + name,
          null);
    }
    boolean local = !(spec.target() == TargetName.KUBERNETES);
    Preview preview =
        new Preview(
            name, from, sourceSpec, Instant.now(), ttl, local ? routerPorts(spec) : Map.of());
    PrivateFiles.directories(dir);
    preview.write(dir);
    if (preview.expires() != null) {
      new Expiry(preview.expires(), Reaper.class.getName()).write(dir);
    }
    if (local) {
      History history = source.history();
      for (Service.Database db : spec.all(Service.Database.class)) {
        ServiceState state = history.services().get(db.name());
        PreviewData.copy(
            StateDirectory.of(spec), dir, db, state == null ? null : state.servicePort());
      }
    }
    return engine(preview).apply();
  }

  /** Deploys the preview again from its source's spec as it is now; its ports stay. */
  public Engine.Outcome up(String name) {
    return engine(read(name)).apply();
  }

  /** The engine of {@code preview}, on the spec derived from its source's. */
  public Engine engine(Preview preview) {
    return engines.apply(preview.spec()).deriving(s -> PreviewSpec.derive(s, preview));
  }

  public List<Listed> list() {
    Path root = root(engines.apply(sourceSpec).spec());
    List<Listed> previews = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return previews;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        if (Files.exists(dir.resolve(Preview.FILE))) {
          Preview preview = Preview.read(dir);
          previews.add(new Listed(preview, url(preview)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return previews;
  }

  /** Tears the preview down and removes everything of it: processes, state and data. */
  public void delete(String name) {
    Preview preview = read(name);
    Path dir = root(engines.apply(sourceSpec).spec()).resolve(name);
    try {
      engine(preview).destroy();
    } catch (SpecException | IllegalArgumentException e) {
      // Its source's spec is gone or broken: stop what runs from the supervisor's own table.
      try (LocalRuntime runtime = new LocalRuntime(dir)) {
        runtime.shutdownAll();
      }
    }
    try {
      PreviewData.removeOutside(dir);
      Artifacts.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

  private Preview read(String name) {
    Preview.checkName("NAME", name);
    Path dir = root(engines.apply(sourceSpec).spec()).resolve(name);
    if (!Files.exists(dir.resolve(Preview.FILE))) {
      throw new DeployException(
          "NO_PREVIEW",
          "preview " + name + ": there is none (no " + dir.resolve(Preview.FILE) + ")",
          "updraft deploy preview list shows the previews",
          null);
    }
    return Preview.read(dir);
  }

  private String url(Preview preview) {
    if (preview.routerPorts().isEmpty()) {
      return "namespace " + preview.name();
    }
    return "http://127.0.0.1:" + preview.routerPorts().values().iterator().next() + "/";
  }

  /** Where environments of the spec keep their state: {@code .updraft/} beside it. */
  private static Path root(EnvironmentSpec spec) {
    return StateDirectory.of(spec).getParent();
  }

  /** A free port for each router, distinct from each other: they are the preview's from now. */
  private static Map<String, Integer> routerPorts(EnvironmentSpec spec) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    Set<Integer> taken = new HashSet<>();
    for (Service.Router router : spec.all(Service.Router.class)) {
      int port;
      do {
        port = FreePorts.any();
      } while (!taken.add(port));
      ports.put(router.name(), port);
    }
    return ports;
  }
}
