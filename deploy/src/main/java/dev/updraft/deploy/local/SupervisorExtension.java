package dev.updraft.deploy.local;

import java.nio.file.Path;

/**
 * Something the supervisor runs alongside its processes, for as long as it runs: found with {@link
 * java.util.ServiceLoader} on the supervisor's class path, so that a module that depends on deploy
 * (the console) can live in the supervisor without deploy depending on it.
 */
public interface SupervisorExtension {
  /**
   * Starts for the environment whose state directory is {@code dir}; what it returns is closed when
   * the supervisor stops. Output goes to the supervisor's log (standard output).
   *
   * @throws Exception when it cannot start; the supervisor logs one line and runs without it
   */
  AutoCloseable start(Path dir) throws Exception;
}
