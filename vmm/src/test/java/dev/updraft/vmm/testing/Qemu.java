package dev.updraft.vmm.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running QEMU with a test guest: its serial output live, its serial input, and QMP for pause,
 * resume and key presses. {@link #close()} kills it if it is still running.
 */
public final class Qemu implements AutoCloseable {
  public static final String BINARY = "qemu-system-x86_64";

  /** Exit status when the guest wrote 0 to isa-debug-exit: every check passed. */
  public static final int EXIT_PASSED = 1;

  /** Exit status when the guest wrote 1 to isa-debug-exit: some check failed. */
  public static final int EXIT_FAILED = 3;

  /** Exit status when the guest reset the machine (with -no-reboot QEMU then exits). */
  public static final int EXIT_RESET = 0;

  /** How a run ended. {@code exitCode} is -1 when the run timed out and QEMU was killed. */
  public record Result(
      int exitCode, boolean timedOut, Duration wall, GuestReport report, String stderr) {}

  private final Process process;
  private final SerialLog serial;
  private final SerialLog stderr;
  private final OutputStream stdin;
  private final Path directory;
  private final long started;
  private Qmp qmp;

  private Qemu(Process process, Path directory, long started) {
    this.process = process;
    this.directory = directory;
    this.started = started;
    this.serial = SerialLog.follow(process.getInputStream(), "qemu-serial");
    this.stderr = SerialLog.follow(process.getErrorStream(), "qemu-stderr");
    this.stdin = process.getOutputStream();
  }

  public static Qemu start(QemuConfig config) {
    try {
      Path directory = Files.createTempDirectory("updraft-qemu");
      long started = System.nanoTime();
      Process process = new ProcessBuilder(config.command(directory.resolve("qmp.sock"))).start();
      return new Qemu(process, directory, started);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
  }

  /** Starts, waits for the end, and kills QEMU if the guest does not end within {@code timeout}. */
  public static Result run(QemuConfig config, Duration timeout) {
    try (Qemu qemu = start(config)) {
      return qemu.await(timeout);
    }
  }

  public SerialLog serial() {
    return serial;
  }

  /** Sends text to the guest's COM1 receiver (QEMU's stdin). */
  public void type(String text) {
    try {
      stdin.write(text.getBytes(StandardCharsets.ISO_8859_1));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("QEMU stdin", e);
    }
  }

  /** The QMP connection, made on first use. */
  public synchronized Qmp qmp() {
    if (qmp == null) {
      qmp = Qmp.connect(directory.resolve("qmp.sock"), Duration.ofSeconds(10));
    }
    return qmp;
  }

  /** Waits for QEMU to exit; kills it when {@code timeout} passes first. */
  public Result await(Duration timeout) {
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = false;
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    if (!exited) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // The readers finish once QEMU's pipes close; give them a moment to take the last bytes.
    serial.await(line -> false, Duration.ofMillis(exited ? 2000 : 200));
    return new Result(
        exited ? process.exitValue() : -1, !exited, wall, serial.report(), stderr.text());
  }

  @Override
  public void close() {
    try {
      if (qmp != null) {
        qmp.close();
      }
    } catch (IOException e) {
      // Closing a socket of a QEMU that may already be gone; nothing to do.
    }
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(directory.resolve("qmp.sock"));
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // A leftover empty directory in /tmp is harmless.
    }
  }
}
