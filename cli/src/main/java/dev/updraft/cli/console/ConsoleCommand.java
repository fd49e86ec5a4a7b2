package dev.updraft.cli.console;

import dev.updraft.console.Console;
import dev.updraft.console.ConsoleConfig;
import dev.updraft.console.ConsoleToken;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code updraft console}: serve the web console until interrupted. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description =
        "Serve the web console: environments, releases, services with their golden signals and"
            + " logs, and microVMs.",
    subcommands = {TokenCommand.class})
public final class ConsoleCommand implements Callable<Integer> {
  /** The console's documented port; a free one is used when another program has it. */
  public static final int DEFAULT_PORT = Console.DEFAULT_PORT;

  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      description =
          "Where to listen, HOST:PORT or HOST (default 127.0.0.1:"
              + DEFAULT_PORT
              + "); anywhere but loopback requires the token of `updraft console token`.")
  String listen;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "SPEC",
      description =
          "An environment's spec; repeat for more (default: ./updraft.yaml, else"
              + " examples/shop/updraft.yaml).")
  List<Path> specs = new ArrayList<>();

  @Option(
      names = "--vm-socket",
      paramLabel = "PATH",
      description =
          "A microVM's Firecracker API socket to show, or the management socket of `updraft vm"
              + " serve` to show all of its microVMs; repeat for more.")
  List<Path> vmSockets = new ArrayList<>();

  @Option(
      names = "--url-file",
      paramLabel = "FILE",
      hidden = true,
      description = "Write the console's URL there once it listens (used by updraft up).")
  Path urlFile;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress address = address();
    boolean fixedPort = listen != null && listen.contains(":") && !listen.endsWith("]");
    String token =
        address.getAddress().isLoopbackAddress() ? null : ConsoleToken.of(ConsoleToken.file());
    ConsoleConfig config =
        new ConsoleConfig(address, specFiles(), vmSockets, token, Duration.ofSeconds(2));
    Console console;
    try {
      console = Console.start(config);
    } catch (Exception e) { // Netty rethrows the bind's checked BindException unchecked
      if (fixedPort || !(e instanceof BindException)) {
        throw e;
      }
      // The documented port is taken (another console, another program): any free one will do.
      console =
          Console.start(
              new ConsoleConfig(
                  new InetSocketAddress(address.getAddress(), 0),
                  config.specs(),
                  vmSockets,
                  token,
                  config.sampleInterval()));
    }
    try (Console running = console) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("updraft console: " + running.url());
      out.flush();
      if (urlFile != null) {
        PrivateFiles.write(urlFile, running.url() + "\n");
      }
      running.awaitClose();
    }
    return 0;
  }

  private InetSocketAddress address() {
    String value = listen == null ? "127.0.0.1" : listen.strip();
    String host = value;
    int port = DEFAULT_PORT;
    int colon = value.lastIndexOf(':');
    if (colon > 0 && !value.endsWith("]")) {
      host = value.substring(0, colon);
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw new ParameterException(
            spec.commandLine(), "--listen: " + listen + " (expected: HOST:PORT, PORT 0..65535)");
      }
    }
    try {
      return new InetSocketAddress(
          InetAddress.getByName(host.replace("[", "").replace("]", "")), port);
    } catch (UnknownHostException e) {
      throw new ParameterException(
          spec.commandLine(), "--listen: " + listen + " (expected: an address of this machine)");
    }
  }

  private List<Path> specFiles() {
    if (!specs.isEmpty()) {
      return specs;
    }
    Path here = Path.of("updraft.yaml");
    if (Files.exists(here)) {
      return List.of(here);
    }
    String home = System.getProperty("updraft.home");
    return List.of(Path.of(home == null ? "." : home, "examples", "shop", "updraft.yaml"));
  }
}
