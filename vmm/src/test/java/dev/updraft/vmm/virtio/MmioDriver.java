package dev.updraft.vmm.virtio;

/**
 * A virtio-mmio driver for tests: register reads and writes as a guest's driver makes them, and the
 * initialisation sequence of virtio 1.1 section 3.1.1.
 */
public final class MmioDriver {
  private final VirtioMmioTransport transport;

  public MmioDriver(VirtioMmioTransport transport) {
    this.transport = transport;
  }

  public int read(long offset) {
    byte[] data = new byte[4];
    transport.read(offset, data);
    return (data[0] & 0xFF)
        | (data[1] & 0xFF) << 8
        | (data[2] & 0xFF) << 16
        | (data[3] & 0xFF) << 24;
  }

  public void write(long offset, int value) {
    transport.write(
        offset,
        new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
  }

  public byte[] readConfig(long offset, int length) {
    byte[] data = new byte[length];
    transport.read(0x100 + offset, data);
    return data;
  }

  public void writeConfig(long offset, byte[] data) {
    transport.write(0x100 + offset, data);
  }

  public long deviceFeatures() {
    write(0x14, 0);
    long low = Integer.toUnsignedLong(read(0x10));
    write(0x14, 1);
    return low | (long) read(0x10) << 32;
  }

  public void writeDriverFeatures(long features) {
    write(0x24, 0);
    write(0x20, (int) features);
    write(0x24, 1);
    write(0x20, (int) (features >>> 32));
  }

  public int status() {
    return read(0x70);
  }

  public void setStatus(int status) {
    write(0x70, status);
  }

  public int interruptStatus() {
    return read(0x60);
  }

  public void acknowledgeInterrupts() {
    write(0x64, interruptStatus());
  }

  public void setUpQueue(int index, QueueLayout layout) {
    write(0x30, index);
    write(0x38, layout.size());
    write(0x80, (int) layout.descTable());
    write(0x84, (int) (layout.descTable() >>> 32));
    write(0x90, (int) layout.availRing());
    write(0x94, (int) (layout.availRing() >>> 32));
    write(0xa0, (int) layout.usedRing());
    write(0xa4, (int) (layout.usedRing() >>> 32));
    write(0x44, 1);
  }

  /** Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK; returns the status. */
  public int initialize(long features, MockVirtQueue... queues) {
    setStatus(0);
    setStatus(DeviceStatus.ACKNOWLEDGE);
    setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    writeDriverFeatures(features);
    setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK);
    for (int i = 0; i < queues.length; i++) {
      setUpQueue(i, queues[i].layout());
    }
    setStatus(status() | DeviceStatus.DRIVER_OK);
    return status();
  }

  /** QueueNotify as a plain MMIO write (no ioeventfd). */
  public void notifyQueue(int queue) {
    write(0x50, queue);
  }
}
