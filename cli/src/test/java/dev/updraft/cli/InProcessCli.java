package dev.updraft.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI run in this JVM, as the process tests run it: exit code, stdout and stderr. */
record InProcessCli(int exit, String out, String err) {
  static InProcessCli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Updraft.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new InProcessCli(exit, out.toString(), err.toString());
  }
}
