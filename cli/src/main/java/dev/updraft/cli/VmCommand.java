package dev.updraft.cli;

import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.core.Hypervisors;
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
          + " --level, --metrics-path, --boot-timer ... (updraft vm --help lists them)."
    })
final class VmCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    // The VMM logs to the process's stdout, as Firecracker does, not to picocli's writers.
    return VmmMain.run(args.toArray(String[]::new), Hypervisors.kvm(), System.out, System.err);
  }
}
