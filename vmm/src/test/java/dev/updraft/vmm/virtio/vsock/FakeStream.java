package dev.updraft.vmm.virtio.vsock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A host stream in memory: what the host process sends, and what it has received. */
final class FakeStream implements HostStream {
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private byte[] input = new byte[0];
  private int inputRead;
  private boolean ended;
  private boolean closed;

  /** How many more bytes the host process takes before writes would block. */
  long room = Long.MAX_VALUE;

  boolean failReads;

  /** The host process sends {@code bytes}. */
  FakeStream send(byte[] bytes) {
    byte[] joined = new byte[input.length - inputRead + bytes.length];
    System.arraycopy(input, inputRead, joined, 0, input.length - inputRead);
    System.arraycopy(bytes, 0, joined, input.length - inputRead, bytes.length);
    input = joined;
    inputRead = 0;
    return this;
  }

  FakeStream send(String text) {
    return send(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** The host process closes its end (the device reads end of stream). */
  void end() {
    ended = true;
  }

  /** What the host process has received, and forgets it. */
  byte[] take() {
    byte[] bytes = received.toByteArray();
    received.reset();
    return bytes;
  }

  String takeText() {
    return new String(take(), StandardCharsets.US_ASCII);
  }

  boolean closed() {
    return closed;
  }

  int unread() {
    return input.length - inputRead;
  }

  boolean readable() {
    return !closed && (unread() > 0 || ended || failReads);
  }

  boolean writable() {
    return !closed && room > 0;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (closed || failReads) {
      throw new IOException("read failed");
    }
    int n = Math.min(dst.remaining(), unread());
    if (n == 0) {
      return ended ? 0 : WOULD_BLOCK;
    }
    dst.put(input, inputRead, n);
    inputRead += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (closed || ended) {
      throw new IOException("EPIPE");
    }
    int n = (int) Math.min(src.remaining(), room);
    if (n == 0) {
      return WOULD_BLOCK;
    }
    byte[] bytes = new byte[n];
    src.get(bytes);
    received.writeBytes(bytes);
    room -= n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
  }
}
