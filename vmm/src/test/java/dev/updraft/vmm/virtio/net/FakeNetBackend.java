package dev.updraft.vmm.virtio.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A backend in memory: frames queued for the guest, frames the guest sent, the offloads set. */
final class FakeNetBackend implements NetBackend {
  final Deque<byte[]> toGuest = new ArrayDeque<>();
  final List<byte[]> fromGuest = new ArrayList<>();
  int offloads = -1;
  boolean failWrites;
  boolean failOffload;

  @Override
  public int read(ByteBuffer dst) {
    byte[] frame = toGuest.poll();
    if (frame == null) {
      return WOULD_BLOCK;
    }
    int length = Math.min(frame.length, dst.remaining());
    dst.put(frame, 0, length);
    return length;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (failWrites) {
      throw new IOException("tap gone");
    }
    byte[] frame = new byte[src.remaining()];
    src.get(frame);
    fromGuest.add(frame);
    return frame.length;
  }

  @Override
  public void setOffload(int tunFlags) throws IOException {
    if (failOffload) {
      throw new IOException("TUNSETOFFLOAD: Invalid argument");
    }
    offloads = tunFlags;
  }
}
