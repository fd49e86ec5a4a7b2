package dev.updraft.vmm.core;

import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.sys.Tap;
import dev.updraft.vmm.virtio.net.NetBackend;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * virtio-net's host side on a TAP device, as Firecracker opens it: IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR, a 12-byte virtio 1.0 header, non-blocking, so EAGAIN becomes {@link #WOULD_BLOCK}.
 */
public final class TapBackend implements NetBackend, AutoCloseable {
  private static final int VNET_HEADER_SIZE = 12;
  private final Tap tap;

  private TapBackend(Tap tap) {
    this.tap = tap;
  }

  /** Opens (or creates) the TAP device {@code hostDevName}. */
  public static TapBackend open(String hostDevName) {
    Tap tap = Tap.open(hostDevName, true, true);
    try {
      tap.setVnetHeaderSize(VNET_HEADER_SIZE);
    } catch (RuntimeException e) {
      tap.close();
      throw e;
    }
    return new TapBackend(tap);
  }

  /** Wraps an already configured TAP (vnet header 12, non-blocking). */
  public static TapBackend of(Tap tap) {
    return new TapBackend(tap);
  }

  public Fd fd() {
    return tap.fd();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return call(() -> tap.read(dst));
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return call(() -> tap.write(src));
  }

  @Override
  public void setOffload(int tunFlags) throws IOException {
    call(
        () -> {
          tap.setOffload(tunFlags);
          return 0;
        });
  }

  @Override
  public void close() {
    tap.close();
  }

  private interface Io {
    int run();
  }

  private static int call(Io io) throws IOException {
    try {
      return io.run();
    } catch (ErrnoException e) {
      if (e.wouldBlock()) {
        return WOULD_BLOCK;
      }
      throw new IOException(e.getMessage(), e);
    }
  }
}
