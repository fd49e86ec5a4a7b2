package dev.updraft.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {
  private static final int DATA = 0;
  private static final int STATUS = 4;

  private final AtomicInteger interrupts = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final Counters metrics = new Counters("i8042");
  private final I8042 i8042 =
      new I8042(interrupts::incrementAndGet, resets::incrementAndGet, metrics);

  @Test
  void ctrlAltDelQueuesItsScancodesAndInterruptsPerKey() {
    assertThat(i8042.sendCtrlAltDel()).isTrue();

    assertThat(interrupts).hasValue(3);
    assertThat(read(STATUS) & 0x01).isEqualTo(1);
    assertThat(read(DATA)).isEqualTo(0x14); // Ctrl
    assertThat(read(DATA)).isEqualTo(0x11); // Alt
    assertThat(read(DATA)).isEqualTo(0xE0); // Del, extended
    assertThat(read(DATA)).isEqualTo(0x71);
    assertThat(read(STATUS) & 0x01).isZero();
    assertThat(interrupts).hasValue(6); // one more per byte left behind after a read
    assertThat(read(DATA)).isZero();
  }

  @Test
  void aFullBufferRefusesTheWholeSequence() {
    assertThat(i8042.sendCtrlAltDel()).isTrue();
    assertThat(i8042.sendCtrlAltDel()).isTrue();
    assertThat(i8042.sendCtrlAltDel()).isTrue();
    assertThat(i8042.sendCtrlAltDel()).isTrue();

    assertThat(i8042.sendCtrlAltDel()).isFalse();
    assertThat(metrics.snapshot()).containsEntry("error_count", 1L);
  }

  @Test
  void theResetCommandRunsTheResetCallback() {
    write(STATUS, 0xFE);

    assertThat(resets).hasValue(1);
    assertThat(metrics.snapshot())
        .containsEntry("reset_count", 1L)
        .containsEntry("write_count", 1L);
  }

  @Test
  void controlRegisterAndOutputPortAreTwoStepCommands() {
    write(STATUS, 0x60);
    assertThat(read(STATUS) & 0x08).isEqualTo(0x08); // expecting the parameter
    write(DATA, 0x52);
    write(STATUS, 0x20);
    assertThat(read(DATA)).isEqualTo(0x52);

    write(STATUS, 0xD1);
    write(DATA, 0x33);
    write(STATUS, 0xD0);
    assertThat(read(DATA)).isEqualTo(0x33);
  }

  @Test
  void keyboardCommandsAreAcknowledgedUnlessTheGuestMaskedTheInterrupt() {
    write(DATA, 0xF4); // enable scanning
    assertThat(read(DATA)).isEqualTo(0xFA);
    assertThat(interrupts).hasValue(1);

    write(STATUS, 0x60);
    write(DATA, 0x04); // control: interrupt off
    i8042.sendCtrlAltDel();
    assertThat(interrupts).hasValue(1);
    assertThat(read(DATA)).isEqualTo(0x14);
  }

  @Test
  void hostileAccessesAreCountedNeverThrown() {
    byte[] wide = {1, 2};
    i8042.read(DATA, wide);
    i8042.write(STATUS, new byte[] {(byte) 0xFE, 0});
    i8042.read(1, new byte[1]);
    i8042.write(3, new byte[] {1});
    write(STATUS, 0x99); // not a command we know

    assertThat(wide).containsOnly(0);
    assertThat(resets).hasValue(0);
    assertThat(metrics.snapshot())
        .containsEntry("missed_read_count", 2L)
        .containsEntry("missed_write_count", 3L);
  }

  @Test
  void throwingCallbacksAreCounted() {
    Counters counters = new Counters("i8042");
    I8042 broken =
        new I8042(
            () -> {
              throw new IllegalStateException("irqfd");
            },
            () -> {
              throw new IllegalStateException("exit");
            },
            counters);
    broken.sendCtrlAltDel();
    broken.write(STATUS, new byte[] {(byte) 0xFE});

    assertThat(counters.snapshot()).containsEntry("error_count", 4L);
  }

  @Test
  void pendingScancodesSurviveASaveAndRestore() {
    write(STATUS, 0x60); // write the control byte next
    write(DATA, 0x05); // keyboard interrupt on, POST ok
    assertThat(i8042.sendCtrlAltDel()).isTrue();
    assertThat(read(DATA)).isEqualTo(0x14); // Ctrl
    I8042State saved = i8042.save();
    StateWriter out = new StateWriter();
    saved.write(out);
    I8042State decoded = I8042State.read(new StateReader(out.toByteArray(), "i8042"));
    assertThat(decoded).isEqualTo(saved);

    I8042 restored = new I8042(() -> {}, () -> {}, new Counters("i8042"));
    restored.restore(decoded);
    assertThat(restored.save()).isEqualTo(saved);
    byte[] data = new byte[1];
    StringBuilder rest = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      restored.read(DATA, data);
      rest.append(String.format("%02x", data[0]));
    }
    assertThat(rest).hasToString("11e071"); // Alt, then Del's two bytes
    restored.read(STATUS, data);
    assertThat(data[0] & 1).as("output buffer empty").isZero();
  }

  private int read(int offset) {
    byte[] data = new byte[1];
    i8042.read(offset, data);
    return Byte.toUnsignedInt(data[0]);
  }

  private void write(int offset, int value) {
    i8042.write(offset, new byte[] {(byte) value});
  }
}
