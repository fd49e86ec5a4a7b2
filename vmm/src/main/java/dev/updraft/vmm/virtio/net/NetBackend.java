package dev.updraft.vmm.virtio.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The host side of a virtio-net device: one frame per call, each preceded by the 12-byte {@code
 * virtio_net_hdr_v1}. The VMM adapts a TAP device opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR,
 * vnet header size 12 and O_NONBLOCK; tests use an in-memory fake.
 *
 * <p>Calls come from the device's thread with its lock held and must not block: a backend with
 * nothing to give, or no room to take, returns {@link #WOULD_BLOCK}. Any other failure is an
 * IOException; the device counts it and drops the frame.
 */
public interface NetBackend {
  /** Returned by {@link #read} and {@link #write} when the call would have to wait. */
  int WOULD_BLOCK = -1;

  /** Offload flags for {@link #setOffload}, with the values of linux/if_tun.h's TUN_F_*. */
  int TUN_F_CSUM = 0x01;

  int TUN_F_TSO4 = 0x02;
  int TUN_F_TSO6 = 0x04;
  int TUN_F_UFO = 0x10;

  /**
   * Reads one frame into {@code dst} from its position; returns its length (the whole frame: a
   * frame never spans two calls), or {@link #WOULD_BLOCK} if none is waiting.
   */
  int read(ByteBuffer dst) throws IOException;

  /** Sends the frame in {@code src}'s remaining bytes; returns its length or WOULD_BLOCK. */
  int write(ByteBuffer src) throws IOException;

  /**
   * Which offloads the guest accepted, so frames it receives may carry them (TUNSETOFFLOAD):
   * partial checksums, TSO over IPv4/IPv6, UFO. Called at every activation.
   */
  void setOffload(int tunFlags) throws IOException;
}
