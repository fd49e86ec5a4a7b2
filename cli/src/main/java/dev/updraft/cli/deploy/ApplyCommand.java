package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.kubernetes.Manifests;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecWarning;
import dev.updraft.deploy.spec.SpecWarnings;
import dev.updraft.deploy.spec.TargetName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code updraft deploy apply}: make the environment match the spec, or roll back. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = "Apply the spec; on failure the environment returns to the last good release.")
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Option(
      names = "--dry-run",
      paramLabel = "DIR",
      description =
          "Kubernetes target: write the manifests to DIR for kubectl apply -f DIR, and in"
              + " DIR/images.txt the images apply would build and push; change nothing.")
  Path dryRun;

  @Override
  public Integer call() {
    return options.run(spec, dryRun == null ? Engine::apply : this::dryRun, null);
  }

  private void dryRun(Engine engine) {
    EnvironmentSpec env = engine.spec();
    if (env.target() != TargetName.KUBERNETES) {
      throw new DeployException(
          "DRY_RUN",
          "--dry-run writes Kubernetes manifests; "
              + env.environment()
              + " targets "
              + env.target(),
          "add --target kubernetes, or run updraft deploy plan to see what apply would do",
          null);
    }
    Manifests.Written written =
        Manifests.write(
            env,
            System.getenv(),
            options.redactor,
            engine.history().services(),
            engine.dataDir(),
            dryRun,
            false);
    PrintWriter out = spec.commandLine().getOut();
    List<SpecWarning> warnings = SpecWarnings.of(env);
    if (options.json) {
      List<String> dryRunWarnings =
          written.warnings().stream().map(options.redactor::redact).toList();
      out.println(
          Json.write(
              Json.object(
                  "directory", dryRun.toString(),
                  "files", written.files().stream().map(f -> (Object) f.toString()).toList(),
                  "warnings", JsonOutput.warnings(warnings),
                  "unresolved", dryRunWarnings)));
      out.flush();
      return;
    }
    written.warnings().forEach(w -> out.println("warning: " + options.redactor.redact(w)));
    warnings.forEach(w -> out.println("warning: " + w));
    out.println(
        "Wrote "
            + written.files().size()
            + " files to "
            + dryRun
            + "; apply them with kubectl apply -f "
            + dryRun
            + " (Secret manifests hold secret values and are readable by you only).");
    out.flush();
  }
}
