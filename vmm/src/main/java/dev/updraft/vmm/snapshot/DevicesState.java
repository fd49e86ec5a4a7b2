package dev.updraft.vmm.snapshot;

import dev.updraft.vmm.devices.I8042State;
import dev.updraft.vmm.devices.SerialState;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.List;
import java.util.Objects;

/**
 * Every device's state: COM1, the i8042, whether the boot timer is attached (it has no state of its
 * own; a restored one counts from the load request) and the virtio devices in slot order.
 */
public record DevicesState(
    SerialState serial, I8042State i8042, boolean bootTimer, List<VirtioDeviceState> virtio)
    implements Encodable {
  public DevicesState {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(i8042, "i8042");
    virtio = List.copyOf(virtio);
  }

  @Override
  public void write(StateWriter out) {
    out.write(serial).write(i8042).writeBool(bootTimer);
    out.writeList(virtio, (w, d) -> w.section(s -> VirtioDeviceState.write(s, d)));
  }

  public static DevicesState read(StateReader in) {
    SerialState serial = in.section("serial", SerialState::read);
    I8042State i8042 = in.section("i8042", I8042State::read);
    boolean bootTimer = in.readBool();
    List<VirtioDeviceState> virtio =
        in.readList(VmConfig.MAX_DEVICES, r -> r.section("virtio device", VirtioDeviceState::read));
    return new DevicesState(serial, i8042, bootTimer, virtio);
  }
}
