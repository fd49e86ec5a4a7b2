package dev.updraft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code updraft doctor}: what this machine can run, and how to fix what it cannot. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "Check this machine for KVM, TAP, and the tools each part of updraft uses.")
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the checks as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Check> checks = Doctor.run();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(checks));
    } else {
      print(checks, out);
    }
    out.flush();
    // Missing optional tools are advice, not failure; only an unusable runtime fails.
    return checks.stream()
            .anyMatch(c -> c.area() == Check.Area.RUNTIME && c.status() != Check.Status.OK)
        ? ErrorReporter.FAILURE
        : 0;
  }

  private static void print(List<Check> checks, PrintWriter out) {
    Check.Area area = null;
    for (Check check : checks) {
      if (check.area() != area) {
        area = check.area();
        out.println(area.word());
      }
      String mark =
          switch (check.status()) {
            case OK -> "ok  ";
            case WARN -> "warn";
            case MISSING -> "miss";
          };
      out.printf("  [%s] %-20s %s%n", mark, check.name(), check.detail());
      if (!check.hint().isEmpty()) {
        out.printf("         %-20s -> %s%n", "", check.hint());
      }
    }
    long ok = checks.stream().filter(c -> c.status() == Check.Status.OK).count();
    out.printf("%d of %d checks passed.%n", ok, checks.size());
  }
}
