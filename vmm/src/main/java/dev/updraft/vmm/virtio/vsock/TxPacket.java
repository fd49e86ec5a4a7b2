package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.GuestBuffers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a transmit-queue chain holds: a packet (its header, and the guest buffers its data lies in)
 * or something that is not one. Firecracker's checks: every buffer device-readable, room for the
 * header, a data length of at most {@value #MAX_DATA} bytes and inside the chain.
 */
public sealed interface TxPacket {
  /** The largest data length a packet may carry (Firecracker's {@code MAX_PKT_BUF_SIZE}). */
  int MAX_DATA = 64 * 1024;

  /** A packet: its header and exactly {@code header.len()} bytes of data, in guest buffers. */
  record Valid(VsockHeader header, List<Descriptor> data) implements TxPacket {
    public Valid {
      data = List.copyOf(data);
    }

    /** Copies the data into {@code dst} (which must have room for it). */
    public void readData(GuestMemory memory, ByteBuffer dst) {
      GuestBuffers.gather(memory, data, dst);
    }
  }

  /** Not a packet; the chain goes back to the driver unread beyond this check. */
  record Malformed(String reason) implements TxPacket {}

  /** Reads the header of {@code chain} and locates its data. Never throws for guest input. */
  static TxPacket parse(GuestMemory memory, DescriptorChain chain) {
    if (!chain.allReadable()) {
      return new Malformed("a device-writable buffer in a transmit chain");
    }
    long total = chain.totalLength();
    if (total < VsockHeader.SIZE) {
      return new Malformed(
          "chain of "
              + total
              + " bytes (expected: at least the "
              + VsockHeader.SIZE
              + "-byte header)");
    }
    ByteBuffer header = ByteBuffer.allocate(VsockHeader.SIZE);
    GuestBuffers.gather(memory, chain.descriptors(), header);
    VsockHeader parsed = VsockHeader.read(header.flip());
    long len = parsed.length();
    if (len > MAX_DATA) {
      return new Malformed("len: " + len + " (expected: at most " + MAX_DATA + ")");
    }
    if (len > total - VsockHeader.SIZE) {
      return new Malformed(
          "len: " + len + " (expected: at most the chain's " + (total - VsockHeader.SIZE) + ")");
    }
    return new Valid(parsed, slice(chain.descriptors(), VsockHeader.SIZE, (int) len));
  }

  /** The buffers covering {@code length} bytes from {@code offset} into {@code buffers}. */
  private static List<Descriptor> slice(List<Descriptor> buffers, long offset, int length) {
    List<Descriptor> out = new ArrayList<>();
    long skip = offset;
    int left = length;
    for (Descriptor d : buffers) {
      if (left == 0) {
        break;
      }
      if (skip >= d.length()) {
        skip -= d.length();
        continue;
      }
      int take = (int) Math.min(d.length() - skip, left);
      out.add(new Descriptor(d.address() + skip, take, false));
      left -= take;
      skip = 0;
    }
    return out;
  }
}
