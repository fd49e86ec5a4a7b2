package dev.updraft.deploy.kubernetes;

/** Container exit codes in words, as Qovery's status box shows them. */
final class ExitCodes {
  private ExitCodes() {}

  static String describe(Integer code) {
    if (code == null) {
      return "exited";
    }
    return switch (code) {
      case 0 -> "exited normally (0)";
      case 1 -> "failed with exit code 1 (an error in the application)";
      case 126 -> "the command is not executable (126)";
      case 127 -> "the command was not found (127)";
      case 137 -> "killed by SIGKILL (137), often for using more memory than its limit";
      case 139 -> "crashed with a segmentation fault (139)";
      case 143 -> "terminated by SIGTERM (143)";
      default ->
          code > 128
              ? "killed by signal " + (code - 128) + " (" + code + ")"
              : "failed with exit code " + code;
    };
  }
}
