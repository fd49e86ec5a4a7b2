package dev.updraft.vmm.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.devices.BusDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusTest {
  private record Recorder(List<String> log, byte value) implements BusDevice {
    @Override
    public void read(long offset, byte[] data) {
      log.add("read " + offset);
      data[0] = value;
    }

    @Override
    public void write(long offset, byte[] data) {
      log.add("write " + offset + "=" + data[0]);
    }
  }

  @Test
  void dispatchesByRangeWithOffsets() {
    List<String> log = new ArrayList<>();
    Bus bus = new Bus("pio");
    bus.insert(new Recorder(log, (byte) 1), 0x3F8, 8, "com1");
    bus.insert(new Recorder(log, (byte) 2), 0x60, 5, "i8042");
    byte[] data = new byte[1];
    assertThat(bus.read(0x3FD, data)).isTrue();
    assertThat(data[0]).isEqualTo((byte) 1);
    assertThat(bus.write(0x64, new byte[] {(byte) 0xFE})).isTrue();
    assertThat(bus.read(0x3F7, data)).isFalse();
    assertThat(bus.read(0x400, data)).isFalse();
    assertThat(bus.write(0x65, data)).isFalse();
    assertThat(log).containsExactly("read 5", "write 4=-2");
  }

  @Test
  void refusesOverlaps() {
    Bus bus = new Bus("mmio");
    bus.insert(new Recorder(new ArrayList<>(), (byte) 0), 0xC000_1000L, 0x1000, "virtio0");
    assertThatThrownBy(
            () -> bus.insert(new Recorder(new ArrayList<>(), (byte) 0), 0xC000_1800L, 0x1000, "x"))
        .hasMessageContaining("mmio range of x: 0xc0001800+0x1000")
        .hasMessageContaining("virtio0 is at 0xc0001000");
    assertThat(bus.ranges()).hasSize(1);
  }

  @Test
  void findsAmongManyDevices() {
    Bus bus = new Bus("mmio");
    for (int i = 0; i < 17; i++) {
      bus.insert(
          new Recorder(new ArrayList<>(), (byte) i), 0xC000_1000L + i * 0x1000L, 0x1000, "d" + i);
    }
    assertThat(bus.find(0xC000_1000L + 7 * 0x1000L + 0x50).name()).isEqualTo("d7");
    assertThat(bus.find(0xC000_0FFFL)).isNull();
    assertThat(bus.find(0xC001_2000L)).isNull();
  }
}
