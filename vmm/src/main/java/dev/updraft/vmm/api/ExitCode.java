package dev.updraft.vmm.api;

/** Firecracker's process exit codes ({@code FcExitCode}) that updraft uses. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int GENERIC_ERROR = 1;
  public static final int BAD_CONFIGURATION = 152;
  public static final int ARG_PARSING = 153;

  private ExitCode() {}
}
