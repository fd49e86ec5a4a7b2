package dev.updraft.vmm.virtio.net;

import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.virtio.BadChain;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.GuestBuffers;
import dev.updraft.vmm.virtio.VirtQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The receive path of virtio-net: frames from the backend into the guest's rx buffers. A frame read
 * from the backend stays pending until the guest has room for it and the rx limiter lets it
 * through, so nothing is lost when the guest is slow: the device resumes on the guest's next rx
 * notification or when the limiter unblocks. With VIRTIO_NET_F_MRG_RXBUF a frame may fill several
 * chains ({@code num_buffers} in its header says how many); without it each frame needs one chain
 * big enough, and a frame too big for the guest's buffers is dropped (rx_fails).
 *
 * <p>Chains are popped as soon as they are seen and held until a frame fills them, which keeps
 * avail_event current under EVENT_IDX so the guest notifies when it adds buffers.
 */
final class Receiver {
  private static final int NUM_BUFFERS_OFFSET = 10;
  private static final int WAIT = 0;
  private static final int DROP = -1;

  private final NetBackend backend;
  private final FrameInterceptor interceptor;
  private final RateLimiter limiter;
  private final Counters counters;
  private final ByteBuffer frame =
      ByteBuffer.allocateDirect(VirtioNet.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
  private final ArrayDeque<DescriptorChain> held = new ArrayDeque<>();
  private boolean pending;

  Receiver(
      NetBackend backend, FrameInterceptor interceptor, RateLimiter limiter, Counters counters) {
    this.backend = backend;
    this.interceptor = interceptor;
    this.limiter = limiter;
    this.counters = counters;
  }

  /** Moves frames until the backend is empty, the guest is out of room or the limiter says no. */
  void run(GuestMemory memory, VirtQueue queue, boolean mergeable) {
    while (true) {
      // While blocked, the limiter's wake-up resumes; reading on would only fill memory.
      if (limiter.isBlocked() || (!pending && !readFrame())) {
        return;
      }
      int chains = reserve(queue, mergeable);
      if (chains == WAIT) {
        counters.increment("no_rx_avail_buffer");
        return;
      }
      if (chains == DROP) {
        counters.increment("rx_fails");
        pending = false;
        continue;
      }
      if (!limiter.consumeOperation(frame.remaining())) {
        counters.increment("rx_rate_limiter_throttled");
        return;
      }
      deliver(memory, queue, chains);
      pending = false;
    }
  }

  /** The heads of the chains held for frames to come, oldest first (a snapshot keeps them). */
  List<Integer> heldHeads() {
    return held.stream().map(DescriptorChain::head).toList();
  }

  /** Holds the chains a saved device held, read again from the restored queue. */
  void hold(VirtQueue queue, List<Integer> heads) {
    held.clear();
    for (int head : heads) {
      switch (queue.chainAt(head)) {
        case DescriptorChain chain -> held.addLast(chain);
        case BadChain bad -> refuse(queue, bad.head()); // rewritten since: hand it back
      }
    }
  }

  /** Forgets the pending frame and the held chains: the driver reset the queues. */
  void reset() {
    pending = false;
    held.clear();
  }

  private boolean readFrame() {
    if (interceptor != null && readInterceptorFrame()) {
      return true;
    }
    while (true) {
      frame.clear();
      int length;
      try {
        length = backend.read(frame);
      } catch (IOException e) {
        counters.increment("tap_read_fails");
        return false;
      }
      if (length == NetBackend.WOULD_BLOCK) {
        return false;
      }
      counters.increment("rx_count");
      if (length >= VirtioNet.VNET_HDR_LEN && length <= frame.capacity()) {
        frame.position(0).limit(length);
        pending = true;
        return true;
      }
      counters.increment("rx_fails");
    }
  }

  /** The interceptor's frames go first, behind a zeroed virtio-net header. */
  private boolean readInterceptorFrame() {
    frame.clear();
    int length =
        interceptor.nextFrame(
            frame.slice(VirtioNet.VNET_HDR_LEN, frame.capacity() - VirtioNet.VNET_HDR_LEN));
    if (length <= 0) {
      return false;
    }
    for (int i = 0; i < VirtioNet.VNET_HDR_LEN; i++) {
      frame.put(i, (byte) 0);
    }
    frame.position(0).limit(VirtioNet.VNET_HDR_LEN + length);
    counters.increment("rx_count");
    pending = true;
    return true;
  }

  /** How many held chains the pending frame fills, popping more as needed; or WAIT or DROP. */
  private int reserve(VirtQueue queue, boolean mergeable) {
    while (true) {
      int chains = chainsNeeded(frame.remaining(), mergeable, queue.size());
      if (chains != WAIT) {
        return chains;
      }
      if (!queue.hasAvailable() && queue.enableNotification()) {
        return WAIT;
      }
      if (queue.hasAvailable()) {
        hold(queue);
      }
    }
  }

  private int chainsNeeded(int length, boolean mergeable, int queueSize) {
    if (!mergeable) {
      if (held.isEmpty()) {
        return WAIT;
      }
      return held.peekFirst().totalLength() >= length ? 1 : DROP;
    }
    long room = 0;
    int chains = 0;
    for (DescriptorChain chain : held) {
      room += chain.totalLength();
      chains++;
      if (room >= length) {
        return chains;
      }
    }
    // Every buffer the ring can hold is here and the frame still does not fit.
    return held.size() >= queueSize ? DROP : WAIT;
  }

  private void hold(VirtQueue queue) {
    switch (queue.pop()) {
      case BadChain bad -> refuse(queue, bad.head());
      case DescriptorChain chain -> {
        if (chain.allWritable() && chain.totalLength() >= VirtioNet.VNET_HDR_LEN) {
          held.addLast(chain);
        } else {
          refuse(queue, chain.head());
        }
      }
    }
  }

  private void refuse(VirtQueue queue, int head) {
    counters.increment("rx_fails");
    queue.addUsed(head, 0);
  }

  private void deliver(GuestMemory memory, VirtQueue queue, int chains) {
    int length = frame.remaining();
    frame.putShort(NUM_BUFFERS_OFFSET, (short) chains);
    for (int i = 0; i < chains; i++) {
      DescriptorChain chain = held.pollFirst();
      queue.addUsed(chain.head(), GuestBuffers.scatter(memory, chain.descriptors(), frame));
    }
    counters.increment("rx_packets_count");
    counters.add("rx_bytes_count", length);
  }
}
