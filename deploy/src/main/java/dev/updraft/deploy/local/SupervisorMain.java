package dev.updraft.deploy.local;

import java.nio.file.Path;

/**
 * Entry point of the supervisor process: {@code SupervisorMain DATA_DIR}. Its watchdog starts it
 * again after any exit but one on purpose (see {@link Watchdog}).
 */
public final class SupervisorMain {
  private SupervisorMain() {}

  public static void main(String[] args) {
    // cron-utils logs through SLF4J, bound to nothing here: its "no providers" notice is noise.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    if (args.length != 1) {
      System.err.println("usage: SupervisorMain DATA_DIR");
      System.exit(2);
    }
    try (Supervisor supervisor = Supervisor.start(Path.of(args[0]))) {
      System.out.println("supervisor ready in " + args[0]);
      System.out.flush();
      supervisor.serve();
    } catch (Exception e) {
      System.out.println("supervisor failed: " + e);
      System.exit(1);
    }
    // The mesh's event loops may take a moment to wind down; nothing is left to wait for.
    System.exit(0);
  }
}
