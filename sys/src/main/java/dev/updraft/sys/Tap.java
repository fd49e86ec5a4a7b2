package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A TAP network device ({@code /dev/net/tun}, IFF_TAP | IFF_NO_PI): each read returns one Ethernet
 * frame, each write sends one. With a vnet header every frame is preceded by a {@code
 * virtio_net_hdr}, which lets virtio-net pass frames through without rewriting them. The device
 * disappears when the last descriptor closes, unless it was made persistent elsewhere.
 */
public final class Tap implements AutoCloseable {
  public static final int TUN_F_CSUM = 0x01;
  public static final int TUN_F_TSO4 = 0x02;
  public static final int TUN_F_TSO6 = 0x04;
  public static final int TUN_F_TSO_ECN = 0x08;
  public static final int TUN_F_UFO = 0x10;

  private static final Ioctl TUNSETIFF = Ioctl.iow("TUNSETIFF", 'T', 202, 4);
  private static final Ioctl TUNSETOFFLOAD = Ioctl.iow("TUNSETOFFLOAD", 'T', 208, 4);
  private static final Ioctl TUNSETVNETHDRSZ = Ioctl.iow("TUNSETVNETHDRSZ", 'T', 216, 4);
  private static final short IFF_TAP = 0x0002;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;
  private static final int IFNAMSIZ = 16;
  private static final int IFREQ_SIZE = 40;

  private final Fd fd;
  private final String name;

  private Tap(Fd fd, String name) {
    this.fd = fd;
    this.name = name;
  }

  /**
   * Opens (creating if needed) the TAP device {@code name}; a name with {@code %d} lets the kernel
   * pick a free number. Needs CAP_NET_ADMIN unless the device exists and belongs to the caller.
   */
  public static Tap open(String name, boolean vnetHeader, boolean nonBlocking) {
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ) {
      throw new IllegalArgumentException(
          "name: \"" + name + "\" (expected: 1.." + (IFNAMSIZ - 1) + " ASCII characters)");
    }
    Fd fd =
        Fd.open(
            Path.of("/dev/net/tun"), OpenFlags.O_RDWR | (nonBlocking ? OpenFlags.O_NONBLOCK : 0));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
      MemorySegment.copy(nameBytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, nameBytes.length);
      short flags = (short) (IFF_TAP | IFF_NO_PI | (vnetHeader ? IFF_VNET_HDR : 0));
      ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, flags);
      fd.ioctl(TUNSETIFF, ifreq);
      String actual = ifreq.getString(0, StandardCharsets.US_ASCII);
      return new Tap(fd, actual);
    } catch (RuntimeException e) {
      fd.close();
      throw e;
    }
  }

  /** The interface name the kernel gave the device, e.g. {@code tap0}. */
  public String name() {
    return name;
  }

  /** Sets the vnet header length: 10 for legacy virtio-net, 12 for virtio 1.0 (num_buffers). */
  public void setVnetHeaderSize(int size) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      value.set(ValueLayout.JAVA_INT, 0, size);
      fd.ioctl(TUNSETVNETHDRSZ, value);
    }
  }

  /** Declares which offloads ({@code TUN_F_*}) the reader accepts in frames it receives. */
  public void setOffload(int flags) {
    fd.ioctl(TUNSETOFFLOAD, flags);
  }

  /** Reads one frame (with its vnet header if enabled) into {@code dst}. */
  public int read(ByteBuffer dst) {
    return fd.read(dst);
  }

  /** Writes one frame (with its vnet header if enabled) from {@code src}. */
  public int write(ByteBuffer src) {
    return fd.write(src);
  }

  public Fd fd() {
    return fd;
  }

  @Override
  public void close() {
    fd.close();
  }
}
