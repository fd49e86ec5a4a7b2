package dev.updraft.console.model;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.preview.Preview;
import dev.updraft.deploy.preview.PreviewSpec;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.state.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where an environment the console shows comes from: a spec file, or, for a preview, its source's
 * spec file and the preview it is derived for. A preview's journal names its source's spec file, so
 * reading that file alone would show (and roll back) the source environment instead.
 *
 * @param preview the preview, or null for the environment of {@code specFile} itself
 */
public record Source(Path specFile, Preview preview) {
  public Source {
    if (specFile == null) {
      throw new IllegalArgumentException("specFile: null (expected: a spec file)");
    }
    specFile = specFile.toAbsolutePath();
  }

  public static Source of(Path specFile) {
    return new Source(specFile, null);
  }

  /** The spec as the engine deploys it: a preview's derived from its source's as it is now. */
  public EnvironmentSpec load() {
    EnvironmentSpec spec = SpecParser.load(specFile, null);
    return preview == null ? spec : PreviewSpec.derive(spec, preview);
  }

  /**
   * The engine that deploys (and rolls back) this environment, on the same spec as {@link #load}.
   */
  public Engine engine(Redactor redactor, Map<String, String> hostEnv) {
    Engine engine = new Engine(specFile, EventSink.NONE, redactor, hostEnv, 4, null, Targets.all());
    return preview == null ? engine : engine.deriving(s -> PreviewSpec.derive(s, preview));
  }

  /** The source environment's name for a preview, or null. */
  public String previewOf() {
    return preview == null ? null : preview.source();
  }

  /**
   * The previews made from {@code spec}'s environment: the state directories beside its own that
   * hold a {@code preview.json} naming it as their source. A preview whose file does not read is
   * left out here; {@code updraft deploy preview list} names its error.
   */
  static List<Source> previewsOf(EnvironmentSpec spec, Path specFile) {
    Path root = StateDirectory.of(spec).getParent();
    List<Source> previews = new ArrayList<>();
    if (root == null || !Files.isDirectory(root)) {
      return previews;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        if (!Files.exists(dir.resolve(Preview.FILE))) {
          continue;
        }
        try {
          Preview preview = Preview.read(dir);
          if (preview.source().equals(spec.environment())) {
            previews.add(new Source(specFile, preview));
          }
        } catch (RuntimeException e) {
          // unreadable: not listed (see above)
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return previews;
  }

  /** The preview whose state directory is {@code dir}, if it is one. */
  static Source ofPreviewDir(Path dir) {
    Preview preview = Preview.read(dir);
    return new Source(preview.spec(), preview);
  }
}
