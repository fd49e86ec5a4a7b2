package dev.updraft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft vm}: Run a Firecracker-compatible microVM monitor on KVM. */
@Command(
    name = "vm",
    mixinStandardHelpOptions = true,
    description = "Run a Firecracker-compatible microVM monitor on KVM.")
final class VmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec, "the Firecracker-compatible microVM monitor", 3);
  }
}
