package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.local.SystemdUnit;
import dev.updraft.deploy.spec.TargetName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy install}: a systemd unit that brings the environment back at boot. */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description =
        "Make the environment survive a reboot: write and enable a systemd unit that runs its"
            + " watchdog (Restart=always); the supervisor starts what its table holds.")
public final class InstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      var env = engine.spec();
      if (env.target() != TargetName.LOCAL) {
        throw new DeployException(
            "UNSUPPORTED",
            "install is for the local target ("
                + env.environment()
                + " is on "
                + env.target()
                + ")",
            "a cluster keeps its workloads across node reboots itself",
            null);
      }
      SystemdUnit.Installed installed =
          SystemdUnit.of(engine.dataDir()).install(engine.dataDir(), env.baseDir());
      var out = spec.commandLine().getOut();
      out.println(
          options.json
              ? Json.write(
                  Json.object(
                      "unit", installed.unit().name(),
                      "file", installed.unit().file().toString(),
                      "enabled", installed.enabled(),
                      "hint", installed.hint()))
              : (installed.enabled() ? "Installed and enabled " : "Wrote ")
                  + installed.unit().name()
                  + " ("
                  + installed.unit().file()
                  + "): "
                  + installed.hint()
                  + ".");
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
