package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * What virtio-vsock keeps beyond its configuration (context id and {@code uds_path}, in the VM's
 * configuration) and its transport: whether a transport-reset event sent to the guest still waits
 * for its acknowledgement (Firecracker's {@code pending_event_ack}), so that the guest gets nothing
 * on the rx queue before it has taken the event. Connections are never kept: their host sockets
 * belong to the process that made them.
 */
public record VsockState(boolean pendingEventAck) implements Encodable {
  @Override
  public void write(StateWriter out) {
    out.writeBool(pendingEventAck);
  }

  public static VsockState read(StateReader in) {
    return new VsockState(in.readBool());
  }
}
