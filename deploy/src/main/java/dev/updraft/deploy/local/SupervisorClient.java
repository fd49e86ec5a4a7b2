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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The engine's connection to the supervisor. {@link #ensure} starts one when none answers, under a
 * {@link Watchdog}: detached JVMs ({@code setsid}) on the same class path, so they survive the CLI
 * and a Ctrl-C in its terminal.
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
      client.build = client.call(Protocol.Request.of(Protocol.Op.PING)).build();
      return client;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Connects, starting a supervisor first if needed: through its watchdog, which starts it again
   * whenever it dies. A supervisor of another build (its messages differ) is told to shut down
   * first; its processes keep running and the new one adopts them. A supervisor that lost its
   * watchdog gets a new one, which watches it.
   */
  public static SupervisorClient ensure(Path dir) {
    SupervisorClient client = connect(dir);
    if (client != null && BuildId.current().equals(client.build)) {
      if (!watched(dir)) {
        startWatchdog(dir);
      }
      return client;
    }
    if (client != null) {
      client.shutdown(dir);
    }
    startWatchdog(dir);
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

  /** Whether a watchdog holds the environment's watchdog lock. */
  public static boolean watched(Path dir) {
    Path file = dir.resolve("watchdog.lock");
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel channel = Watchdog.lockFile(file);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (IOException | OverlappingFileLockException e) {
      return false;
    }
  }

  /**
   * Starts a watchdog (which starts the supervisor); one that finds another holding the lock leaves
   * at once. Installed as a systemd unit, the environment is started through systemd.
   */
  private static void startWatchdog(Path dir) {
    try {
      PrivateFiles.directories(dir);
      if (SystemdUnit.startInstalled(dir)) {
        return;
      }
      ProcessBuilder watchdog = new ProcessBuilder(Watchdog.command(dir));
      // Tests shorten mesh certificates to see them renewed; the supervisor inherits this.
      String lifetime = System.getProperty(LocalIdentity.LIFETIME_PROPERTY);
      if (lifetime != null) {
        watchdog.environment().put(LocalIdentity.LIFETIME_VARIABLE, lifetime);
      }
      watchdog
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
  }

  /**
   * Tells the supervisor to shut down on purpose and waits (up to 10 s each) until its process and
   * its watchdog have gone, so that the next command starts new ones instead of reaching these as
   * they go; closes this client.
   */
  public void shutdown(Path dir) {
    Long pid = pid(dir.resolve("supervisor.pid"));
    try {
      call(Protocol.Request.of(Protocol.Op.SHUTDOWN));
    } catch (DeployException e) {
      // Gone before its answer reached us (older builds answered after closing): as asked.
    } finally {
      close();
    }
    try {
      if (pid != null) {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
      }
    } catch (java.util.concurrent.CompletionException e) {
      // It lingers: the new supervisor takes the socket over all the same.
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (watched(dir) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Long pid(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
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
