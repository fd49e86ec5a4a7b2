package dev.updraft.deploy.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What a command as users write it ({@code sh -c COMMAND}) runs, as far as its text tells. */
public final class Commands {
  // A word that sets a variable for the command after it: NAME=value.
  private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=.*");

  private Commands() {}

  /**
   * The program of each simple command in {@code command}, in order: the first word that does not
   * set a variable ({@code PYTHONUNBUFFERED=1 python3 app.py} runs python3), after {@code exec};
   * {@code cd} changes directory and runs nothing.
   */
  public static List<String> programs(String command) {
    List<String> programs = new ArrayList<>();
    if (command == null) {
      return programs;
    }
    for (String simple : command.split("&&|\\|\\||[;|&\\n()]")) {
      for (String word : simple.trim().split("\\s+")) {
        if (word.isEmpty() || ASSIGNMENT.matcher(word).matches() || word.equals("exec")) {
          continue;
        }
        if (!word.equals("cd")) {
          programs.add(word.replaceAll("^[\"']|[\"']$", ""));
        }
        break;
      }
    }
    return programs;
  }
}
