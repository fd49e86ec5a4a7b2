package dev.updraft.vmm.devices;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Persistent;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The subset of an i8042 keyboard controller Firecracker emulates ({@code i8042.rs}), just enough
 * for two jobs: the host injects Ctrl-Alt-Del (SendCtrlAltDel), and a guest booted with {@code
 * reboot=k} resets the machine by writing 0xFE to port 0x64, which the VMM turns into a clean exit.
 * The bus maps it at 0x60 with 5 bytes: offset 0 is the data port, offset 4 the status/command
 * port; every other offset and any access wider than a byte is a counted miss. Keyboard commands
 * written to the data port are acknowledged with 0xFA, like a dumb keyboard.
 *
 * <p>vCPU threads and the event loop use it at once, hence the lock around every access.
 */
public final class I8042 implements BusDevice, Persistent<I8042State> {
  private static final int DATA = 0;
  private static final int STATUS = 4;

  private static final int CMD_READ_CTR = 0x20;
  private static final int CMD_WRITE_CTR = 0x60;
  private static final int CMD_READ_OUTP = 0xD0;
  private static final int CMD_WRITE_OUTP = 0xD1;
  private static final int CMD_RESET_CPU = 0xFE;

  private static final int SB_OUT_DATA_AVAIL = 0x01;
  private static final int SB_I8042_CMD_DATA = 0x08;
  private static final int SB_KBD_ENABLED = 0x10;

  private static final int CB_KBD_INT = 0x01;
  private static final int CB_POST_OK = 0x04;

  private static final int KEY_CTRL = 0x0014;
  private static final int KEY_ALT = 0x0011;
  private static final int KEY_DEL = 0xE071; // extended: 0xE0 prefix, then 0x71
  private static final int ACK = 0xFA;

  static final int BUFFER_SIZE = 16;

  /** Firecracker's counters of the "i8042" group, created at zero so every flush shows them. */
  public static final List<String> METRIC_NAMES =
      List.of(
          "error_count",
          "missed_read_count",
          "missed_write_count",
          "read_count",
          "reset_count",
          "write_count");

  private final InterruptTrigger keyboardInterrupt;
  private final Runnable reset;
  private final Counters metrics;

  // Guarded by this.
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int head;
  private int length;
  private int status = SB_KBD_ENABLED;
  private int control = CB_POST_OK | CB_KBD_INT;
  private int outputPort;
  private int command;

  /**
   * @param keyboardInterrupt IRQ 1
   * @param reset run (outside the device lock) when the guest pulses the CPU reset line
   * @param metrics the "i8042" group; the device bumps the {@link #METRIC_NAMES} counters
   */
  public I8042(InterruptTrigger keyboardInterrupt, Runnable reset, Counters metrics) {
    this.keyboardInterrupt = Objects.requireNonNull(keyboardInterrupt, "keyboardInterrupt");
    this.reset = Objects.requireNonNull(reset, "reset");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    METRIC_NAMES.forEach(metrics::counter);
  }

  /**
   * Queues the scancodes of Ctrl, Alt and Del (set 2, 4 bytes) and raises IRQ 1 after each key.
   *
   * @return false, queuing nothing, when the controller's 16-byte buffer lacks room
   */
  public synchronized boolean sendCtrlAltDel() {
    if (BUFFER_SIZE - length < 4) {
      metrics.increment("error_count");
      return false;
    }
    for (int key : new int[] {KEY_CTRL, KEY_ALT, KEY_DEL}) {
      if ((key & 0xFF00) != 0) {
        push(key >> 8);
      }
      push(key & 0xFF);
      raiseKeyboardInterrupt();
    }
    return true;
  }

  @Override
  public synchronized I8042State save() {
    byte[] pending = new byte[length];
    for (int i = 0; i < length; i++) {
      pending[i] = buffer[(head + i) % BUFFER_SIZE];
    }
    return new I8042State(status, control, outputPort, command, new Blob(pending));
  }

  @Override
  public synchronized void restore(I8042State state) {
    status = state.status();
    control = state.control();
    outputPort = state.outputPort();
    command = state.command();
    byte[] pending = state.buffer().bytes();
    head = 0;
    length = pending.length;
    System.arraycopy(pending, 0, buffer, 0, pending.length);
  }

  @Override
  public void read(long offset, byte[] data) {
    Arrays.fill(data, (byte) 0);
    if (data.length != 1 || (offset != DATA && offset != STATUS)) {
      metrics.increment("missed_read_count");
      return;
    }
    synchronized (this) {
      if (offset == STATUS) {
        data[0] = (byte) status;
      } else {
        data[0] = (byte) pop();
        // More bytes waiting: interrupt again so the driver comes back for them.
        if ((status & SB_OUT_DATA_AVAIL) != 0) {
          raiseKeyboardInterrupt();
        }
      }
    }
    metrics.increment("read_count");
  }

  @Override
  public void write(long offset, byte[] data) {
    if (data.length != 1 || (offset != DATA && offset != STATUS)) {
      metrics.increment("missed_write_count");
      return;
    }
    int value = Byte.toUnsignedInt(data[0]);
    Command outcome = Command.HANDLED;
    synchronized (this) {
      if (offset == STATUS) {
        outcome = writeCommand(value);
      } else if ((status & SB_I8042_CMD_DATA) != 0) {
        // The parameter byte of a two-step controller command.
        if (command == CMD_WRITE_CTR) {
          control = value;
        } else if (command == CMD_WRITE_OUTP) {
          outputPort = value;
        }
        status &= ~SB_I8042_CMD_DATA;
      } else {
        flush();
        push(ACK);
        raiseKeyboardInterrupt();
      }
    }
    if (outcome == Command.UNKNOWN) {
      metrics.increment("missed_write_count");
      return;
    }
    metrics.increment("write_count");
    if (outcome == Command.RESET) {
      metrics.increment("reset_count");
      try {
        reset.run();
      } catch (RuntimeException e) {
        metrics.increment("error_count");
      }
    }
  }

  private enum Command {
    HANDLED,
    RESET,
    UNKNOWN
  }

  /** Handles a byte written to port 0x64; the reset itself runs after the lock is released. */
  private Command writeCommand(int value) {
    switch (value) {
      case CMD_RESET_CPU -> {
        return Command.RESET;
      }
      case CMD_READ_CTR -> {
        flush();
        push(control);
      }
      case CMD_READ_OUTP -> {
        flush();
        push(outputPort);
      }
      case CMD_WRITE_CTR, CMD_WRITE_OUTP -> {
        if (value == CMD_WRITE_CTR) {
          flush();
        }
        status |= SB_I8042_CMD_DATA;
        command = value;
      }
      default -> {
        return Command.UNKNOWN;
      }
    }
    return Command.HANDLED;
  }

  private void raiseKeyboardInterrupt() {
    if ((control & CB_KBD_INT) == 0) {
      return; // the guest driver masked the keyboard interrupt
    }
    try {
      keyboardInterrupt.trigger();
    } catch (RuntimeException e) {
      metrics.increment("error_count");
    }
  }

  private void push(int value) {
    status |= SB_OUT_DATA_AVAIL;
    if (length == BUFFER_SIZE) {
      return;
    }
    buffer[(head + length) % BUFFER_SIZE] = (byte) value;
    length++;
  }

  private int pop() {
    if (length == 0) {
      return 0;
    }
    int value = Byte.toUnsignedInt(buffer[head]);
    head = (head + 1) % BUFFER_SIZE;
    length--;
    if (length == 0) {
      status &= ~SB_OUT_DATA_AVAIL;
    }
    return value;
  }

  private void flush() {
    head = 0;
    length = 0;
    status &= ~SB_OUT_DATA_AVAIL;
  }
}
