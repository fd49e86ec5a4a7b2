package dev.updraft.vmm.virtio.vsock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_vsock_hdr}: the 44-byte little-endian header in front of every vsock packet.
 * Every field is kept as the guest wrote it (unsigned values in Java ints and longs); what they
 * mean is the connection's business.
 *
 * @param srcCid sender's context id
 * @param dstCid receiver's context id
 * @param srcPort sender's port
 * @param dstPort receiver's port
 * @param len bytes of data after the header
 * @param type socket type, {@link #TYPE_STREAM} the only one
 * @param op the operation ({@link VsockOp#code()}), unknown values kept
 * @param flags {@link #SHUTDOWN_RCV} and {@link #SHUTDOWN_SEND} on a SHUTDOWN
 * @param bufAlloc the sender's receive buffer for this connection, bytes
 * @param fwdCnt bytes the sender has consumed of what it received on this connection
 */
public record VsockHeader(
    long srcCid,
    long dstCid,
    int srcPort,
    int dstPort,
    int len,
    int type,
    int op,
    int flags,
    int bufAlloc,
    int fwdCnt) {
  /** {@code sizeof(struct virtio_vsock_hdr)} (packed). */
  public static final int SIZE = 44;

  /** {@code VIRTIO_VSOCK_TYPE_STREAM}. */
  public static final int TYPE_STREAM = 1;

  /** The sender will receive no more data. */
  public static final int SHUTDOWN_RCV = 1;

  /** The sender will send no more data. */
  public static final int SHUTDOWN_SEND = 2;

  /** The host's context id. */
  public static final long HOST_CID = 2;

  /** Reads a header from the next {@link #SIZE} bytes of {@code src}. */
  public static VsockHeader read(ByteBuffer src) {
    ByteBuffer le = src.slice(src.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
    src.position(src.position() + SIZE);
    return new VsockHeader(
        le.getLong(0),
        le.getLong(8),
        le.getInt(16),
        le.getInt(20),
        le.getInt(24),
        Short.toUnsignedInt(le.getShort(28)),
        Short.toUnsignedInt(le.getShort(30)),
        le.getInt(32),
        le.getInt(36),
        le.getInt(40));
  }

  /** Writes the header into the next {@link #SIZE} bytes of {@code dst}. */
  public void write(ByteBuffer dst) {
    ByteBuffer le = dst.slice(dst.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
    le.putLong(0, srcCid)
        .putLong(8, dstCid)
        .putInt(16, srcPort)
        .putInt(20, dstPort)
        .putInt(24, len)
        .putShort(28, (short) type)
        .putShort(30, (short) op)
        .putInt(32, flags)
        .putInt(36, bufAlloc)
        .putInt(40, fwdCnt);
    dst.position(dst.position() + SIZE);
  }

  /** The header as 44 bytes. */
  public byte[] toBytes() {
    ByteBuffer bytes = ByteBuffer.allocate(SIZE);
    write(bytes);
    return bytes.array();
  }

  /** The data length as an unsigned number. */
  public long length() {
    return Integer.toUnsignedLong(len);
  }

  /** The operation, if it is one the protocol defines. */
  public java.util.Optional<VsockOp> operation() {
    return VsockOp.of(op);
  }

  /** A header from host port {@code localPort} to the guest's {@code peerPort}. */
  static VsockHeader toGuest(
      long guestCid,
      int localPort,
      int peerPort,
      VsockOp op,
      int len,
      int flags,
      int bufAlloc,
      int fwdCnt) {
    return new VsockHeader(
        HOST_CID,
        guestCid,
        localPort,
        peerPort,
        len,
        TYPE_STREAM,
        op.code(),
        flags,
        bufAlloc,
        fwdCnt);
  }
}
