package dev.updraft.deploy.apply;

import dev.updraft.deploy.spec.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to do about a command that exited 127 (a program not found) or 126 (found, not executable):
 * the hint names the program, as the shell that ran the command reported it in the output, else as
 * the command names it. Other exit codes have no hint here.
 */
public final class ExitHints {
  // dash: "/bin/sh: 1: python3: not found", "sh: 1: exec: x: not found", "sh: 1: ./run:
  // Permission denied"; bash: "bash: line 1: x: command not found", "bash: x: command not found".
  private static final Pattern SHELL =
      Pattern.compile(
          "^\\S*sh: (?:(?:line )?\\d+: )?(?:exec: )?(.+?): (not found|command not found"
              + "|[Pp]ermission denied|Is a directory|No such file or directory)\\s*$");

  private ExitHints() {}

  /**
   * @param command the command as the spec writes it (run as {@code sh -c COMMAND})
   * @param output the last lines the command wrote (its shell's error among them)
   * @param field the spec field that holds the command, e.g. {@code applications.web.command}
   */
  public static Optional<String> hint(int exit, String command, String output, String field) {
    if (exit != 126 && exit != 127) {
      return Optional.empty();
    }
    String program = null;
    String why = null;
    for (String line : (output == null ? "" : output).lines().toList()) {
      Matcher m = SHELL.matcher(stripLogPrefix(line));
      if (m.matches()) {
        program = m.group(1);
        why = m.group(2);
      }
    }
    if (program == null) {
      program = exit == 127 ? missingProgram(command) : firstProgram(command);
    }
    if (program == null) {
      return Optional.empty();
    }
    if ("Is a directory".equals(why)) {
      return Optional.of(program + " is a directory, not a program: fix " + field);
    }
    if (exit == 126) {
      return Optional.of(
          program
              + " is not executable: chmod +x it in the service's source (its mode is copied into"
              + " the artifact), or run it through its interpreter (sh "
              + program
              + "), in "
              + field);
    }
    if (program.contains("/")) {
      return Optional.of(
          program
              + " was not found (or the interpreter its #! line names was not): check "
              + field
              + ", which runs as sh -c in a copy of the service's path");
    }
    return Optional.of(
        program
            + " was not found on the PATH: install it on this machine, or fix "
            + field
            + " (it runs as sh -c COMMAND, as on Kubernetes)");
  }

  /** A line of a log as the engine shows it, without the tail's {@code " | "} margin. */
  private static String stripLogPrefix(String line) {
    String text = line.strip();
    return text.startsWith("| ") ? text.substring(2) : text;
  }

  /** The first program the command runs that the PATH does not have, else its first program. */
  private static String missingProgram(String command) {
    String path = Artifacts.environment(java.util.Map.of()).get("PATH");
    for (String program : Commands.programs(command)) {
      if (!program.contains("/") && !onPath(program, path)) {
        return program;
      }
    }
    return firstProgram(command);
  }

  private static String firstProgram(String command) {
    List<String> programs = Commands.programs(command);
    return programs.isEmpty() ? null : programs.getFirst();
  }

  private static boolean onPath(String program, String path) {
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
