package dev.updraft.vmm.virtio.block;

import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import java.util.List;
import java.util.Optional;

/**
 * A virtio-blk request (virtio 1.1 section 5.2.6): a readable 16-byte header {@code (u32 type, u32
 * reserved, u64 sector)}, data buffers, and a writable status byte last. Parsing checks only the
 * shape that every request type shares, plus the direction of the data buffers, so that the device
 * never writes a buffer the driver gave it to read, nor the other way round.
 *
 * @param type the request type (VIRTIO_BLK_T_*)
 * @param sector the first 512-byte sector, unsigned
 * @param data the data buffers between header and status
 * @param status the buffer whose first byte receives the status
 */
record BlockRequest(int type, long sector, List<Descriptor> data, Descriptor status) {
  static final int T_IN = 0;
  static final int T_OUT = 1;
  static final int T_FLUSH = 4;
  static final int T_GET_ID = 8;
  private static final int HEADER_BYTES = 16;

  BlockRequest {
    data = List.copyOf(data);
  }

  /** The request in {@code chain}, or empty if the chain does not have a request's shape. */
  static Optional<BlockRequest> parse(DescriptorChain chain, GuestMemory memory) {
    List<Descriptor> descriptors = chain.descriptors();
    if (descriptors.size() < 2) {
      return Optional.empty();
    }
    Descriptor header = descriptors.getFirst();
    Descriptor status = descriptors.getLast();
    if (header.writable()
        || header.length() < HEADER_BYTES
        || !status.writable()
        || status.length() < 1) {
      return Optional.empty();
    }
    int type = memory.readInt(header.address());
    long sector = memory.readLong(header.address() + 8);
    List<Descriptor> data = descriptors.subList(1, descriptors.size() - 1);
    boolean deviceWrites = type == T_IN || type == T_GET_ID;
    boolean deviceReads = type == T_OUT;
    for (Descriptor d : data) {
      if ((deviceWrites && !d.writable()) || (deviceReads && d.writable())) {
        return Optional.empty();
      }
    }
    return Optional.of(new BlockRequest(type, sector, data, status));
  }

  /** Total bytes in the data buffers (at most 2^32 - 1, the chain's limit). */
  long dataLength() {
    long total = 0;
    for (Descriptor d : data) {
      total += d.length();
    }
    return total;
  }

  /** The bytes the bandwidth bucket is charged: the data of reads and writes only. */
  long rateLimitedBytes() {
    return type == T_IN || type == T_OUT ? dataLength() : 0;
  }
}
