package dev.updraft.vmm.telemetry;

/**
 * Where log or metrics lines go. Writing never blocks on a slow or absent reader and never throws:
 * a line the destination cannot take is dropped, and the caller counts it.
 */
public sealed interface LineSink extends AutoCloseable permits FileSink, StreamSink {
  /**
   * Writes one line, which ends with a newline.
   *
   * @return false if the line was dropped
   */
  boolean write(byte[] line);

  /** Releases the destination; later writes are dropped. */
  @Override
  void close();
}
