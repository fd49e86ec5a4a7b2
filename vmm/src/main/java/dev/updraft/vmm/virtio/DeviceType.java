package dev.updraft.vmm.virtio;

/** The virtio device types updraft implements, with their ids (virtio 1.1 section 5). */
public enum DeviceType {
  NET(1),
  BLOCK(2),
  RNG(4),
  BALLOON(5),
  VSOCK(19),
  MEM(24),
  PMEM(27);

  private final int id;

  DeviceType(int id) {
    this.id = id;
  }

  /** The id the DeviceID register reports. */
  public int id() {
    return id;
  }
}
