package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's connection to the supervisor. {@link #ensure} starts a supervisor when none answers:
 * a detached JVM ({@code setsid}) on the same class path, so it survives the CLI and a Ctrl-C in
 * its terminal.
 */
public final class SupervisorClient implements AutoCloseable {
  private final SocketChannel channel;
  private final BufferedReader in;
  private final OutputStream out;

  private SupervisorClient(SocketChannel channel) {
    this.channel = channel;
    this.in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    this.out = Channels.newOutputStream(channel);
  }

  private String build;

  /** Connects to a running supervisor, or returns null if none answers. */
  public static SupervisorClient connect(Path dir) {
    Path socket = dir.resolve("supervisor.sock");
    if (!Files.exists(socket)) {
      return null;
    }
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
      SupervisorClient client = new SupervisorClient(channel);
      client.build = client.call(Protocol.Request.of("ping")).build();
      return client;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Connects, starting a supervisor first if needed. A supervisor of another build (its messages
   * differ) is told to shut down first; its processes keep running and the new one adopts them.
   */
  public static SupervisorClient ensure(Path dir) {
    SupervisorClient client = connect(dir);
    if (client != null && BuildId.current().equals(client.build)) {
      return client;
    }
    if (client != null) {
      client.shutdown(dir);
    }
    try {
      PrivateFiles.directories(dir);
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        command.add("/usr/bin/setsid");
      }
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "--enable-native-access=ALL-UNNAMED",
              "-XX:+UseSerialGC",
              "-Xmx64m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              SupervisorMain.class.getName(),
              dir.toAbsolutePath().toString()));
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(
              ProcessBuilder.Redirect.appendTo(
                  PrivateFiles.touch(dir.resolve("supervisor.log")).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new DeployException(
          "SUPERVISOR_START",
          "could not start the local supervisor: " + e.getMessage(),
          "check that " + dir + " is writable",
          null);
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      client = connect(dir);
      if (client != null) {
        return client;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new DeployException(
        "SUPERVISOR_START",
        "the local supervisor did not start within 20s",
        "see " + dir.resolve("supervisor.log"),
        null);
  }

  /**
   * Tells the supervisor to shut down and waits (up to 10 s) until its process has gone, so that
   * the next command starts a new one instead of reaching this one as it goes; closes this client.
   */
  public void shutdown(Path dir) {
    try {
      call(Protocol.Request.of("shutdown"));
    } catch (DeployException e) {
      // Gone before its answer reached us (older builds answered after closing): as asked.
    } finally {
      close();
    }
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim());
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    } catch (IOException | NumberFormatException | java.util.concurrent.CompletionException e) {
      // No pid to wait for, or it lingers: the new supervisor takes the socket over all the same.
    }
  }

  public synchronized Protocol.Response call(Protocol.Request request) {
    try {
      out.write((ProtocolJson.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line = in.readLine();
      if (line == null) {
        throw new DeployException(
            "SUPERVISOR_GONE", "the local supervisor closed the connection", null, null);
      }
      Protocol.Response response = ProtocolJson.readResponse(line);
      if (!response.ok()) {
        throw new DeployException("SUPERVISOR", "supervisor: " + response.error(), null, null);
      }
      return response;
    } catch (IOException e) {
      throw new DeployException(
          "SUPERVISOR_GONE", "the local supervisor is unreachable: " + e.getMessage(), null, null);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
