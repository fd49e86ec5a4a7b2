package dev.updraft.vmm;

import dev.updraft.vmm.runtime.VmLogger;
import java.lang.System.Logger.Level;

/**
 * The default log of an embedded VM: the application's {@link System.Logger} named {@code
 * dev.updraft.vmm.<id>}, so the VM's lines go wherever the application sends its own.
 */
record SystemLog(System.Logger logger) implements VmLogger {
  static SystemLog named(String id) {
    return new SystemLog(System.getLogger("dev.updraft.vmm." + id));
  }

  @Override
  public void error(String message) {
    logger.log(Level.ERROR, message);
  }

  @Override
  public void warn(String message) {
    logger.log(Level.WARNING, message);
  }

  @Override
  public void info(String message) {
    logger.log(Level.INFO, message);
  }

  @Override
  public void debug(String message) {
    logger.log(Level.DEBUG, message);
  }
}
