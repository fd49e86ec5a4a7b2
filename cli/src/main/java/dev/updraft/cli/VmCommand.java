package dev.updraft.cli;

import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.core.Hypervisors;
import dev.updraft.vmm.jailer.JailerMain;
import dev.updraft.vmm.snapshot.RebaseSnap;
import dev.updraft.vmm.snapshot.UffdHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code updraft vm}: the Firecracker-compatible microVM monitor. Every argument goes to the VMM
 * untouched, which parses Firecracker's flags itself (the same entry point as {@code
 * dist/bin/firecracker}), so {@code updraft vm --help} shows Firecracker's options and {@code
 * updraft vm serve} hosts many microVMs in one process. Three tools that Firecracker ships as
 * programs of their own come first: {@code updraft vm jailer ...} (its jailer), and two for
 * snapshots: {@code updraft vm uffd-handler SOCKET MEMORY_FILE} (a page-fault handler for
 * Uffd-backed loads) and {@code updraft vm rebase-snap --base-file BASE --diff-file DIFF} (lays a
 * diff snapshot's memory over a base).
 */
@Command(
    name = "vm",
    description = {
      "Run a Firecracker-compatible microVM monitor on KVM.",
      "Takes Firecracker's flags: --api-sock, --config-file, --no-api, --id, --log-path,"
          + " --level, --metrics-path, --boot-timer ... (updraft vm --help lists them).",
      "updraft vm serve --socket-dir DIR hosts many microVMs in one process, each on its own"
          + " Firecracker API socket DIR/<id>.sock (docs/vmm/serve.md).",
      "updraft vm jailer ... runs Firecracker's jailer (updraft vm jailer --help).",
      "Snapshot tools: updraft vm uffd-handler SOCKET MEMORY_FILE;"
          + " updraft vm rebase-snap --base-file BASE --diff-file DIFF."
    })
final class VmCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    String[] rest = args.stream().skip(1).toArray(String[]::new);
    String first = args.isEmpty() ? "" : args.getFirst();
    // The VMM logs to the process's stdout, as Firecracker does, not to picocli's writers.
    return switch (first) {
      // Firecracker's jailer, which execs the VMM inside a jail.
      case "jailer" -> JailerMain.run(rest, System.out, System.err);
      case "uffd-handler" -> UffdHandler.run(rest, System.out, System.err);
      case "rebase-snap" -> RebaseSnap.run(rest, System.out, System.err);
      default ->
          VmmMain.run(args.toArray(String[]::new), Hypervisors.kvm(), System.out, System.err);
    };
  }
}
