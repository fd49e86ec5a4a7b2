package dev.updraft.vmm.virtio;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.List;

/**
 * A virtio-mmio transport and the common part of its device, as a snapshot keeps them: the status
 * and feature registers, InterruptStatus, ConfigGeneration, every queue, and whether the device is
 * active or stopped for a reset.
 *
 * @param deviceType the DeviceID, checked against the device it is restored into
 * @param status the Status register
 * @param deviceFeaturesSel DeviceFeaturesSel
 * @param driverFeaturesSel DriverFeaturesSel
 * @param driverFeatures the features the driver accepted (the device's acked features once active)
 * @param driverFeaturesUnknown whether the driver accepted a feature above bit 63
 * @param queueSel QueueSel
 * @param interruptStatus InterruptStatus
 * @param configGeneration ConfigGeneration
 * @param queues one per queue of the device
 * @param active whether DRIVER_OK activated the device
 * @param broken whether the device stopped and waits for the driver's reset
 */
public record TransportState(
    int deviceType,
    int status,
    int deviceFeaturesSel,
    int driverFeaturesSel,
    long driverFeatures,
    boolean driverFeaturesUnknown,
    int queueSel,
    int interruptStatus,
    int configGeneration,
    List<QueueState> queues,
    boolean active,
    boolean broken)
    implements Encodable {
  /** Virtio devices have a handful of queues; a snapshot claiming more is damaged. */
  static final int MAX_QUEUES = 64;

  public TransportState {
    queues = List.copyOf(queues);
    if (active && (status & DeviceStatus.DRIVER_OK) == 0) {
      throw new IllegalArgumentException(
          "status: 0x"
              + Integer.toHexString(status)
              + " (expected: DRIVER_OK on an active device)");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeInt(deviceType)
        .writeInt(status)
        .writeInt(deviceFeaturesSel)
        .writeInt(driverFeaturesSel)
        .writeLong(driverFeatures)
        .writeBool(driverFeaturesUnknown)
        .writeInt(queueSel)
        .writeInt(interruptStatus)
        .writeInt(configGeneration)
        .writeList(queues, (w, q) -> q.write(w))
        .writeBool(active)
        .writeBool(broken);
  }

  public static TransportState read(StateReader in) {
    return new TransportState(
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readLong(),
        in.readBool(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readList(MAX_QUEUES, QueueState::read),
        in.readBool(),
        in.readBool());
  }
}
