package dev.updraft.cli;

import picocli.CommandLine.Model.CommandSpec;

/** What a verb whose part has not landed yet says: plainly, with the issue that brings it. */
final class NotYetAvailable {
  private NotYetAvailable() {}

  static int report(CommandSpec spec, String what, int issue) {
    spec.commandLine()
        .getErr()
        .println(
            "updraft "
                + spec.name()
                + ": not available yet: "
                + what
                + " arrives with issue #"
                + issue
                + ".");
    return ErrorReporter.FAILURE;
  }
}
