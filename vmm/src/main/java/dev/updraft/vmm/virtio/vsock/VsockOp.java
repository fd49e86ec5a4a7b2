package dev.updraft.vmm.virtio.vsock;

import java.util.Optional;

/** The operations of a vsock packet header ({@code VIRTIO_VSOCK_OP_*}, virtio 1.2 section 5.10). */
public enum VsockOp {
  REQUEST(1),
  RESPONSE(2),
  RST(3),
  SHUTDOWN(4),
  RW(5),
  CREDIT_UPDATE(6),
  CREDIT_REQUEST(7);

  private static final VsockOp[] BY_CODE = values();

  private final int code;

  VsockOp(int code) {
    this.code = code;
  }

  /** The value on the wire. */
  public int code() {
    return code;
  }

  /** The operation with wire value {@code code}, if there is one. */
  public static Optional<VsockOp> of(int code) {
    return code >= 1 && code <= BY_CODE.length ? Optional.of(BY_CODE[code - 1]) : Optional.empty();
  }
}
