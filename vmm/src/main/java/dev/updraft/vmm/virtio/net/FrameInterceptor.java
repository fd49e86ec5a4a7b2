package dev.updraft.vmm.virtio.net;

import java.nio.ByteBuffer;

/**
 * Something inside the VMM that answers some of the guest's frames itself instead of the backend
 * (the metadata service): it claims frames on the transmit path and has frames of its own for the
 * receive path, which go to the guest before the backend's. Frames here are Ethernet frames without
 * the virtio-net header. Calls come from the device with its lock held; an interceptor never throws
 * for what a guest sends.
 */
public interface FrameInterceptor {
  /** Whether {@code frame} (position 0 to limit; only its headers are looked at) is for it. */
  boolean claims(ByteBuffer frame);

  /**
   * Takes a claimed frame.
   *
   * @param checksumPartial the guest left the transport checksum for the device to finish
   *     (VIRTIO_NET_HDR_F_NEEDS_CSUM), so it is not checked
   */
  void accept(ByteBuffer frame, boolean checksumPartial);

  /** Writes its next frame for the guest into {@code dst} (from position 0); 0 if none is due. */
  int nextFrame(ByteBuffer dst);

  /**
   * When it will next have a frame without being given one (a retransmission), on {@link
   * System#nanoTime()}'s clock; {@link Long#MAX_VALUE} if never.
   */
  long nextDeadline();
}
