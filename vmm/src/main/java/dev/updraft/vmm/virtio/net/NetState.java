package dev.updraft.vmm.virtio.net;

import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.List;
import java.util.Objects;

/**
 * What virtio-net keeps beyond its configuration and transport: the MAC in its configuration space
 * (a driver may have written it), both rate limiters, and the receive chains it had popped but not
 * filled, by head index, which the restored device reads again. A frame read from the TAP but not
 * delivered is not kept: like a NIC's, it may be lost.
 *
 * @param mac the six bytes of the configuration space's MAC
 * @param rxRateLimiter the receive limiter's buckets
 * @param txRateLimiter the transmit limiter's buckets
 * @param heldRxHeads receive chains popped and held, in order
 */
public record NetState(
    Blob mac,
    RateLimiterState rxRateLimiter,
    RateLimiterState txRateLimiter,
    List<Integer> heldRxHeads)
    implements Encodable {
  public NetState {
    if (mac.length() != 6) {
      throw new IllegalArgumentException("mac: " + mac.length() + " bytes (expected: 6)");
    }
    Objects.requireNonNull(rxRateLimiter, "rxRateLimiter");
    Objects.requireNonNull(txRateLimiter, "txRateLimiter");
    heldRxHeads = List.copyOf(heldRxHeads);
    for (int head : heldRxHeads) {
      if (head < 0 || head >= VirtioNet.MAX_QUEUE_SIZE) {
        throw new IllegalArgumentException(
            "held rx head: " + head + " (expected: 0.." + (VirtioNet.MAX_QUEUE_SIZE - 1) + ")");
      }
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeBlob(mac);
    rxRateLimiter.write(out);
    txRateLimiter.write(out);
    out.writeList(heldRxHeads, StateWriter::writeShort);
  }

  public static NetState read(StateReader in) {
    return new NetState(
        in.readBlob(6),
        RateLimiterState.read(in),
        RateLimiterState.read(in),
        in.readList(VirtioNet.MAX_QUEUE_SIZE, StateReader::readShort));
  }
}
