package dev.updraft.console;

import dev.updraft.console.model.Environments;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.local.SupervisorExtension;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The console a local supervisor serves for its environment, on 127.0.0.1, for as long as the
 * supervisor runs (found through {@link java.util.ServiceLoader}: deploy does not depend on the
 * console). It writes its URL to {@link RuntimeTarget#CONSOLE_URL}, where {@code updraft up} reads
 * it, and its port to {@code console.port}, which it tries first the next time.
 */
public final class SupervisedConsole implements SupervisorExtension {
  static final String PORT_FILE = "console.port";

  @Override
  public AutoCloseable start(Path dir) throws Exception {
    ConsolePorts ports = ConsolePorts.of(System.getenv(ConsolePorts.VARIABLE), remembered(dir));
    if (ports.off()) {
      log(ConsolePorts.VARIABLE + " is off: no console");
      return () -> {};
    }
    Console console = bind(dir, ports);
    PrivateFiles.write(dir.resolve(PORT_FILE), console.address().getPort() + "\n");
    PrivateFiles.write(dir.resolve(RuntimeTarget.CONSOLE_URL), console.url() + "\n");
    log("at " + console.url());
    return () -> {
      Files.deleteIfExists(dir.resolve(RuntimeTarget.CONSOLE_URL));
      console.close();
    };
  }

  private static Console bind(Path dir, ConsolePorts ports) throws Exception {
    Environments environments = Environments.ofStateDir(dir);
    List<String> named = List.of(dir.getFileName().toString());
    BindException last = null;
    for (int port : ports.ports()) {
      ConsoleConfig config =
          new ConsoleConfig(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
              List.of(),
              List.of(),
              null,
              Duration.ofSeconds(2));
      try {
        return Console.start(config, environments, named);
      } catch (Exception e) { // Netty rethrows the bind's checked BindException unchecked
        if (!(e instanceof BindException taken)) {
          throw e;
        }
        log("port " + port + " is taken (another console or program); trying the next");
        last = taken;
      }
    }
    throw last;
  }

  private static int remembered(Path dir) {
    try {
      return Integer.parseInt(Files.readString(dir.resolve(PORT_FILE)).strip());
    } catch (IOException | NumberFormatException e) {
      return 0; // never served here, or the file is damaged: start from the configured port
    }
  }

  private static void log(String message) {
    System.out.println("supervisor: console " + message);
    System.out.flush();
  }
}
