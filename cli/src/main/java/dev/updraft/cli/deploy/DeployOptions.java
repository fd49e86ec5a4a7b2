package dev.updraft.cli.deploy;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.ConsoleSink;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.JsonSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.SealedValueException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options every deploy command shares, and the engine they configure. */
public final class DeployOptions {
  static {
    // fabric8 logs through SLF4J, which the CLI ships no binding for: the engine reports what
    // matters itself, so SLF4J's own "no providers" notice must not reach the terminal either.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
  }

  @Option(
      names = {"-f", "--file"},
      paramLabel = "SPEC",
      description =
          "The environment spec (default: ./updraft.yaml, else examples/shop/updraft.yaml).")
  Path file;

  @Option(
      names = "--json",
      description =
          "Print machine output: a JSON document, or one JSON event per line for commands that"
              + " stream (apply, up, rollback, destroy, down); errors as {\"error\": {...}}.")
  boolean json;

  @Option(
      names = "--target",
      paramLabel = "TARGET",
      description = "Where to deploy: local or kubernetes (default: the spec's target).")
  String target;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "4",
      description = "Services deployed at once (default ${DEFAULT-VALUE}).")
  int parallelism;

  final Redactor redactor = new Redactor();

  Path specFile() {
    if (file != null) {
      return file;
    }
    Path here = Path.of("updraft.yaml");
    if (Files.exists(here)) {
      return here;
    }
    String home = System.getProperty("updraft.home");
    Path example = Path.of(home == null ? "." : home, "examples", "shop", "updraft.yaml");
    return Files.exists(example) ? example : here;
  }

  EventSink sink(CommandSpec spec) {
    PrintWriter out = spec.commandLine().getOut();
    return json ? new JsonSink(out, redactor) : new ConsoleSink(out, redactor);
  }

  Engine engine(CommandSpec spec) {
    return engine(spec, specFile());
  }

  /** An engine on the spec {@code file} rather than the one this command names. */
  Engine engine(CommandSpec spec, Path file) {
    TargetName chosen =
        target == null
            ? null
            : TargetName.of(target)
                .orElseThrow(
                    () ->
                        new ParameterException(
                            spec.commandLine(),
                            "--target: " + target + " (expected: " + TargetName.words() + ")"));
    return new Engine(
        file, sink(spec), redactor, System.getenv(), parallelism, chosen, Targets.all());
  }

  /** What to do when a sealed value does not open. */
  static final String SEALED_HINT =
      "restore secrets.key in the environment's state directory from where it was copied; without"
          + " it, updraft deploy destroy, then apply again (database data is kept)";

  /** Runs {@code work} with this command's engine: exit 0, or 1 with the failure reported. */
  int run(CommandSpec spec, java.util.function.Consumer<Engine> work, String done) {
    try {
      work.accept(engine(spec));
      if (done != null) {
        spec.commandLine().getOut().println(json ? JsonOutput.finished(done) : done);
        spec.commandLine().getOut().flush();
      }
      return 0;
    } catch (RuntimeException e) {
      return report(spec, e);
    }
  }

  /**
   * Prints a deployment failure the way users need it: what, why, what to do, the log tail; with
   * {@code --json}, any failure as an error document on stdout. Exit 1.
   */
  int report(CommandSpec spec, RuntimeException e) {
    if (json && !(e instanceof ParameterException)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(JsonOutput.error(e, redactor));
      out.flush();
      return 1;
    }
    PrintWriter err = spec.commandLine().getErr();
    if (e instanceof SealedValueException sealed) {
      err.println("updraft: " + sealed.getMessage());
      err.println("hint: " + SEALED_HINT);
      err.flush();
      return 1;
    }
    if (e instanceof SpecException specError) {
      err.println("updraft: " + specError.getMessage());
      err.flush();
      return 1;
    }
    if (e instanceof DeployException d) {
      err.println("updraft: " + redactor.redact(d.getMessage()));
      if (d.hint() != null) {
        err.println("hint: " + d.hint());
      }
      if (d.logTail() != null && !d.logTail().isBlank()) {
        err.println("log tail:");
        d.logTail().lines().forEach(l -> err.println("  | " + redactor.redact(l)));
      }
      err.flush();
      return 1;
    }
    throw e;
  }
}
