package dev.updraft.cli;

import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.core.Hypervisors;
import dev.updraft.vmm.jailer.JailerMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code updraft vm}: the Firecracker-compatible microVM monitor. Every argument goes to the VMM
 * untouched, which parses Firecracker's flags itself (the same entry point as {@code
 * dist/bin/firecracker}), so {@code updraft vm --help} shows Firecracker's options.
 */
@Command(
    name = "vm",
    description = {
      "Run a Firecracker-compatible microVM monitor on KVM.",
      "Takes Firecracker's flags: --api-sock, --config-file, --no-api, --id, --log-path,"
          + " --level, --metrics-path, --boot-timer ... (updraft vm --help lists them).",
      "updraft vm jailer ... runs Firecracker's jailer (updraft vm jailer --help)."
    })
final class VmCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    if (!args.isEmpty() && args.getFirst().equals("jailer")) {
      // `updraft vm jailer`: Firecracker's jailer, which execs the VMM inside a jail.
      return JailerMain.run(
          args.subList(1, args.size()).toArray(String[]::new), System.out, System.err);
    }
    // The VMM logs to the process's stdout, as Firecracker does, not to picocli's writers.
    return VmmMain.run(args.toArray(String[]::new), Hypervisors.kvm(), System.out, System.err);
  }
}
