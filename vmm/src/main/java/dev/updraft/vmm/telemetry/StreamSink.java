package dev.updraft.vmm.telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * An output stream, e.g. standard output, where Firecracker logs until a log path is set. Unlike
 * {@link FileSink} it blocks while the stream does, as Firecracker's stdout logging does.
 */
public final class StreamSink implements LineSink {
  private final OutputStream out;
  private boolean closed;

  public StreamSink(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public synchronized boolean write(byte[] line) {
    if (closed) {
      return false;
    }
    try {
      out.write(line);
      out.flush();
      return !(out instanceof PrintStream print) || !print.checkError();
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops writing; the stream itself stays open (it may be the process's stdout). */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
