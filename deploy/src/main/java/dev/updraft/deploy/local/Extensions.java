package dev.updraft.deploy.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link SupervisorExtension}s a supervisor runs. One that fails to load, start or close costs
 * a line in the supervisor's log, never the supervisor: the environment matters more.
 */
final class Extensions implements AutoCloseable {
  static final Extensions NONE = new Extensions(List.of());

  private final List<AutoCloseable> running;

  private Extensions(List<AutoCloseable> running) {
    this.running = running;
  }

  static Extensions start(Path dir) {
    List<AutoCloseable> running = new ArrayList<>();
    try {
      for (SupervisorExtension extension : ServiceLoader.load(SupervisorExtension.class)) {
        try {
          running.add(extension.start(dir));
        } catch (Exception e) {
          log(extension.getClass().getName() + " did not start: " + e.getMessage());
        }
      }
    } catch (ServiceConfigurationError e) {
      log("an extension did not load: " + e.getMessage());
    }
    return new Extensions(List.copyOf(running));
  }

  @Override
  public void close() {
    for (AutoCloseable extension : running.reversed()) {
      try {
        extension.close();
      } catch (Exception e) {
        log(extension.getClass().getName() + " did not close: " + e.getMessage());
      }
    }
  }

  private static void log(String message) {
    System.out.println("supervisor: extension " + message);
    System.out.flush();
  }
}
