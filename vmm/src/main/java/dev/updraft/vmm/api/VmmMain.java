package dev.updraft.vmm.api;

import dev.updraft.vmm.core.Hypervisors;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.snapshot.SnapshotException;
import dev.updraft.vmm.snapshot.SnapshotFile;
import java.io.PrintStream;

/**
 * The {@code firecracker} entry point (also behind {@code updraft vm}): Firecracker's flags, its
 * output for {@code --help} and {@code --version}, its exit codes. Needs no picocli, which keeps
 * the class path and start-up small.
 */
public final class VmmMain {
  private VmmMain() {}

  public static void main(String[] args) {
    System.exit(run(args, Hypervisors.kvm(), System.out, System.err));
  }

  private static int describe(VmmArgs.DescribeSnapshot d, PrintStream out, PrintStream err) {
    try {
      out.println(SnapshotFile.describe(d.stateFile()));
      out.flush();
      return ExitCode.OK;
    } catch (SnapshotException e) {
      // Firecracker's MainError::PrintSnapshotDataFormat, exit code 1 (GenericError).
      err.println("Error: When printing Snapshot Data format: " + e.getMessage());
      err.flush();
      return ExitCode.GENERIC_ERROR;
    }
  }

  /** Runs the VMM with {@code args} and returns the process exit code. */
  public static int run(String[] args, Hypervisor hypervisor, PrintStream out, PrintStream err) {
    int serve = ServeMain.serveWord(args);
    if (serve >= 0) {
      // A word, not a flag, so that the jailer's --exec-file can start serve through the same
      // launcher: jailer ... --exec-file dist/bin/firecracker -- serve --socket-dir /run
      return ServeMain.run(ServeMain.withoutWord(args, serve), out, err);
    }
    VmmArgs.Invocation invocation;
    try {
      invocation = VmmArgs.parse(args);
    } catch (VmmArgsException e) {
      err.println("Error: " + e.getMessage());
      if (e.exitCode() == ExitCode.ARG_PARSING) {
        err.println();
        err.println("For more information try --help.");
      }
      err.flush();
      return e.exitCode();
    }
    return switch (invocation) {
      case VmmArgs.Help h -> {
        out.print(VmmArgs.help());
        out.flush();
        yield ExitCode.OK;
      }
      case VmmArgs.Version v -> {
        // Tools parse the first line as Firecracker's: "Firecracker v<version>".
        out.println("Firecracker v" + Versions.FIRECRACKER);
        out.println(
            "updraft "
                + Versions.updraft()
                + " (a Firecracker-compatible microVM monitor, Java "
                + Runtime.version()
                + ")");
        out.flush();
        yield ExitCode.OK;
      }
      case VmmArgs.SnapshotVersion v -> {
        // Firecracker prints the format version with a leading v: "v11.0.0".
        out.println(dev.updraft.vmm.snapshot.SnapshotVersion.CURRENT);
        out.flush();
        yield ExitCode.OK;
      }
      case VmmArgs.DescribeSnapshot d -> describe(d, out, err);
      case VmmArgs.Run r -> VmmRunner.run(r.options(), hypervisor, out, err);
    };
  }
}
