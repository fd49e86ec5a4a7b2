package dev.updraft.deploy.local;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the watchdog tells a live supervisor from a dead or hung one. Dead: it no longer holds {@code
 * supervisor.lock} (the kernel drops the lock with the process, whatever killed it). Hung: it
 * answered no ping for three intervals in a row (a ping times out after two intervals), or never
 * answered in its first twelve (a minute at the default five seconds), as a liveness probe.
 */
final class Liveness {
  private static final int MAX_MISSED = 3;
  private static final int START_GRACE = 12;
  private static final byte[] PING = "{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8);

  private final Path dir;
  private final Duration interval;

  Liveness(Path dir, Duration interval) {
    this.dir = dir;
    this.interval = interval;
  }

  /** Whether a supervisor process holds the environment's supervisor lock. */
  boolean supervisorLocked() {
    try (FileChannel channel = Watchdog.lockFile(dir.resolve(Supervisor.LOCK));
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until the supervisor is gone: {@code child}, or, when null, the one holding the lock.
   * Returns false when it stopped answering instead (a child is left to the caller to kill; one
   * this watchdog did not start is killed here, by the pid it wrote, and waited for).
   */
  boolean watch(Process child) throws InterruptedException {
    int missed = 0;
    boolean answered = false;
    int waited = 0;
    while (true) {
      if (child != null ? child.waitFor(interval.toMillis(), TimeUnit.MILLISECONDS) : gone()) {
        return true;
      }
      if (ping()) {
        answered = true;
        missed = 0;
      } else if (answered ? ++missed >= MAX_MISSED : ++waited >= START_GRACE) {
        if (child != null) {
          return false;
        }
        killByPidFile();
        while (!gone()) {
          Thread.sleep(100);
        }
        return false;
      }
    }
  }

  private boolean gone() throws InterruptedException {
    long deadline = System.nanoTime() + interval.toNanos();
    while (System.nanoTime() < deadline) {
      if (!supervisorLocked()) {
        return true;
      }
      Thread.sleep(Math.min(100, interval.toMillis()));
    }
    return !supervisorLocked();
  }

  /** One ping on the supervisor's socket, answered within two intervals. */
  boolean ping() {
    Path socket = dir.resolve("supervisor.sock");
    if (!Files.exists(socket)) {
      return false;
    }
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      return false;
    }
    // A blocking read has no timeout of its own: it runs on a virtual thread, and closing the
    // channel ends it.
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(PING));
                ByteBuffer buffer = ByteBuffer.allocate(256);
                while (channel.read(buffer) >= 0) {
                  if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n'
                      || !buffer.hasRemaining()) {
                    answer.complete(true);
                    return;
                  }
                }
                answer.complete(false);
              } catch (IOException e) {
                answer.complete(false);
              }
            });
    try {
      return answer.get(interval.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void killByPidFile() {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    } catch (IOException | NumberFormatException e) {
      // No pid to kill: the lock stays held, and the wait goes on.
    }
  }
}
