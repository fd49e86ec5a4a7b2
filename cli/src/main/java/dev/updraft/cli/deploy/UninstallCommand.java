package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.local.SystemdUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy uninstall}: removes what install wrote; the environment keeps running. */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description =
        "Disable and remove the environment's systemd unit; what runs keeps running until down.")
public final class UninstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      SystemdUnit unit = SystemdUnit.of(engine.dataDir());
      boolean removed = unit.uninstall();
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(
            Json.write(
                Json.object(
                    "unit", unit.name(), "file", unit.file().toString(), "removed", removed)));
      } else {
        out.println(
            removed
                ? "Removed " + unit.file() + "; the environment keeps running (down stops it)."
                : "No unit installed for "
                    + engine.spec().environment()
                    + " ("
                    + unit.file()
                    + ").");
      }
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
