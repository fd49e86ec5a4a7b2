package dev.updraft.vmm.virtio.mem;

/** What a STATE request answers for a range of blocks (virtio 1.2, 5.15.6.1). */
public enum BlockState {
  PLUGGED(0),
  UNPLUGGED(1),
  MIXED(2);

  private final int wire;

  BlockState(int wire) {
    this.wire = wire;
  }

  /** The value of {@code virtio_mem_resp_state.state}. */
  public int wire() {
    return wire;
  }
}
