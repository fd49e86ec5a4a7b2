package dev.updraft.vmm.jailer;

import dev.updraft.sys.Confinement;
import dev.updraft.sys.Fd;
import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.SysException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code jailer} entry point (also {@code updraft vm jailer}): Firecracker's jailer flags,
 * errors as one line on stderr and exit code 1, and on success no return: the process becomes the
 * jailed program.
 *
 * <p>A JVM cannot fork, so {@code --daemonize} (when the jailer leads its process group, where
 * {@code setsid} fails) and {@code --new-pid-ns} start a copy of the jailer instead of
 * Firecracker's fork or clone: detached with standard I/O on /dev/null, or as PID 1 of the new
 * namespace. The copy knows its stage from {@value #STAGE}.
 */
public final class JailerMain {
  static final String STAGE = "UPDRAFT_JAILER_STAGE";

  private JailerMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the jailer; returns an exit code only when it does not exec. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    long startTimeUs = System.nanoTime() / 1000;
    try {
      switch (JailerArgs.parse(args)) {
        case JailerArgs.Help h -> {
          out.print(JailerArgs.help());
          return 0;
        }
        case JailerArgs.Version v -> {
          out.println("Jailer (updraft " + dev.updraft.vmm.api.Versions.updraft() + ")");
          return 0;
        }
        case JailerArgs.Run r -> {
          JailerOptions options = r.options();
          String stage = System.getenv().getOrDefault(STAGE, "");
          if (options.daemonize() && !stage.contains("daemon")) {
            if (!newSession()) {
              return relaunch(stage + ",daemon", true, null);
            }
            detachStdio();
          } else if (options.daemonize()) {
            newSession();
            detachStdio();
          }
          if (options.newPidNs() && !stage.contains("pidns")) {
            Files.createDirectories(options.chrootDir());
            warmUpProcessReaper();
            Confinement.unshare(Confinement.CLONE_NEWPID);
            relaunch(
                stage + ",pidns", false, options.chrootDir().resolve(options.execName() + ".pid"));
            // This thread may start no more threads (its children's PID namespace is not its
            // own), and an orderly exit would: Firecracker's parent also just exits here.
            Runtime.getRuntime().halt(0);
          }
          new Jail(
                  options,
                  ExecTarget.of(options.execFile()),
                  startTimeUs,
                  Path.of("/proc/mounts"),
                  !stage.contains("pidns"))
              .enter();
          return 1;
        }
      }
    } catch (JailerException | SysException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println("Failed to create the jail directory: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private static boolean newSession() {
    try {
      Confinement.newSession();
      return true;
    } catch (SysException e) {
      return false; // a process group leader: only a new process can start a session
    }
  }

  private static void detachStdio() {
    try (Fd devNull = Fd.open(Path.of("/dev/null"), OpenFlags.O_RDWR)) {
      for (int target = 0; target <= 2; target++) {
        Confinement.duplicate(devNull.value(), target);
      }
    }
  }

  /**
   * Leaves an idle "process reaper" thread behind: after {@code unshare(CLONE_NEWPID)} the calling
   * thread cannot create threads (the kernel refuses CLONE_THREAD across PID namespaces), and
   * starting a process hands its wait to that pool, which then reuses the idle thread.
   */
  private static void warmUpProcessReaper() throws IOException {
    Process process =
        new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      process.waitFor();
      Thread.sleep(50); // the reaper thread goes back to waiting for work
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts a copy of this jailer for the next stage and returns at once (the copy carries on):
   * detached for {@code --daemonize}, or as PID 1 of the namespace {@code unshare(CLONE_NEWPID)}
   * made for this thread's children, whose host pid goes to {@code pidFile}.
   */
  private static int relaunch(String stage, boolean detached, Path pidFile) throws IOException {
    ProcessHandle.Info self = ProcessHandle.current().info();
    List<String> command = new ArrayList<>();
    command.add(self.command().orElseThrow(() -> new IOException("own command unknown")));
    command.addAll(List.of(self.arguments().orElse(new String[0])));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(STAGE, stage);
    if (detached) {
      builder
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
    } else {
      builder.inheritIO();
    }
    Process child = builder.start();
    if (pidFile != null) {
      Files.writeString(pidFile, Long.toString(child.pid()));
    }
    return 0;
  }
}
