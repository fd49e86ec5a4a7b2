package dev.updraft.cli.console;

import dev.updraft.console.ConsoleToken;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft console token}: print the token a console off loopback requires. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Print the console's access token (made on first use, kept in ~/.updraft/console.token).")
public final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(ConsoleToken.of(ConsoleToken.file()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
