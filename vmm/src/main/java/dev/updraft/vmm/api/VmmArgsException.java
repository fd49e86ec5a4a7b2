package dev.updraft.vmm.api;

import java.io.Serial;

/** The command line is wrong; the process prints the message and exits with {@link #exitCode}. */
public final class VmmArgsException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int exitCode;

  VmmArgsException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** {@link ExitCode#ARG_PARSING}, or {@link ExitCode#BAD_CONFIGURATION} for a bad level. */
  public int exitCode() {
    return exitCode;
  }
}
