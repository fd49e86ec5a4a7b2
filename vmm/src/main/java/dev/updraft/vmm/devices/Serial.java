package dev.updraft.vmm.devices;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Persistent;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A 16550A UART as COM1 (ports 0x3F8-0x3FF, IRQ 4): the guest console. Transmitted bytes go
 * straight to an output stream, so the transmitter is always empty (LSR THRE and TEMT set) and each
 * THR write completes at once; received bytes come from the event loop through {@link #enqueue}
 * into a 64-byte FIFO. THRE and RDA interrupts follow the chip: THRE is pending after a THR write
 * or when ETBEI is switched on, until the guest writes THR again or reads an IIR that reports it;
 * RDA is pending while ERBFI is set and the FIFO holds data (trigger level 1, since a virtual line
 * has no character timing for the timeout interrupt). The interrupt line is raised on its rising
 * edge only, which is what an edge-triggered IOAPIC pin fed by an irqfd needs.
 *
 * <p>Called from vCPU threads and the event loop at once, so every register access holds the
 * device's lock. Guests may access any offset with any width: what is not a byte access to one of
 * the eight registers reads as zero, is ignored and is counted as a missed read or write.
 */
public final class Serial implements BusDevice, Persistent<SerialState> {
  /** Bytes the receive FIFO holds. */
  public static final int FIFO_SIZE = 64;

  /**
   * The hook for an output byte rate limit (PUT /serial's rate_limiter): asked before each
   * transmitted byte goes out; a refused byte is dropped and counted, as Firecracker does.
   */
  @FunctionalInterface
  public interface OutputLimiter {
    boolean admit(int bytes);

    static OutputLimiter unlimited() {
      return bytes -> true;
    }
  }

  private static final int DATA = 0;
  private static final int IER = 1;
  private static final int IIR_FCR = 2;
  private static final int LCR = 3;
  private static final int MCR = 4;
  private static final int LSR = 5;
  private static final int MSR = 6;
  private static final int SCR = 7;

  private static final int IER_RDA = 0x01;
  private static final int IER_THRE = 0x02;
  private static final int IER_VALID = 0x0F;
  private static final int IIR_NONE = 0x01;
  private static final int IIR_THRE = 0x02;
  private static final int IIR_RDA = 0x04;
  private static final int IIR_FIFO_ENABLED = 0xC0;
  private static final int FCR_ENABLE = 0x01;
  private static final int FCR_CLEAR_RX = 0x02;
  private static final int LCR_DLAB = 0x80;
  private static final int LSR_DATA_READY = 0x01;
  private static final int LSR_OVERRUN = 0x02;
  private static final int LSR_THR_EMPTY = 0x20;
  private static final int LSR_IDLE = 0x40;
  private static final int MCR_DTR = 0x01;
  private static final int MCR_RTS = 0x02;
  private static final int MCR_OUT1 = 0x04;
  private static final int MCR_OUT2 = 0x08;
  private static final int MCR_LOOP = 0x10;
  private static final int MCR_VALID = 0x1F;
  private static final int MSR_CTS = 0x10;
  private static final int MSR_DSR = 0x20;
  private static final int MSR_RI = 0x40;
  private static final int MSR_DCD = 0x80;

  /** Firecracker's counters of the "uart" group, created at zero so every flush shows them. */
  public static final List<String> METRIC_NAMES =
      List.of(
          "error_count",
          "flush_count",
          "missed_read_count",
          "missed_write_count",
          "read_count",
          "write_count",
          "rate_limiter_dropped_bytes");

  private final InterruptTrigger interrupt;
  private final OutputStream out;
  private final Counters metrics;
  private final OutputLimiter limiter;
  private final Runnable inputDrained;

  // Guarded by this.
  private final byte[] fifo = new byte[FIFO_SIZE];
  private int fifoHead;
  private int fifoLength;
  private int divisorLow = 0x0C; // 9600 baud
  private int divisorHigh;
  private int ier;
  private int lcr = 0x03; // 8 data bits
  private int mcr = MCR_OUT2; // what PC firmware leaves for interrupt-driven drivers
  private int scratch;
  private boolean fifoEnabled;
  private boolean overrun;
  private boolean thrEmptyPending;
  private boolean line;

  /** COM1 writing to {@code out}, with no output limit and no drain notification. */
  public Serial(InterruptTrigger interrupt, OutputStream out, Counters metrics) {
    this(interrupt, out, metrics, OutputLimiter.unlimited(), () -> {});
  }

  /**
   * COM1 writing to {@code out} through {@code limiter}.
   *
   * @param metrics the "uart" group; the device bumps the {@link #METRIC_NAMES} counters
   * @param inputDrained run (outside the device lock) whenever the guest empties the receive FIFO,
   *     so the event loop can resume reading the console input it paused on a full FIFO
   */
  public Serial(
      InterruptTrigger interrupt,
      OutputStream out,
      Counters metrics,
      OutputLimiter limiter,
      Runnable inputDrained) {
    this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
    this.out = Objects.requireNonNull(out, "out");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.inputDrained = Objects.requireNonNull(inputDrained, "inputDrained");
    METRIC_NAMES.forEach(metrics::counter);
  }

  @Override
  public void read(long offset, byte[] data) {
    Arrays.fill(data, (byte) 0);
    if (data.length != 1 || offset < DATA || offset > SCR) {
      metrics.increment("missed_read_count");
      return;
    }
    data[0] = (byte) access(() -> readRegister((int) offset));
  }

  @Override
  public void write(long offset, byte[] data) {
    if (data.length != 1 || offset < DATA || offset > SCR) {
      metrics.increment("missed_write_count");
      return;
    }
    int value = Byte.toUnsignedInt(data[0]);
    access(
        () -> {
          writeRegister((int) offset, value);
          return 0;
        });
  }

  /**
   * Runs one register access under the lock, then updates the interrupt line; the drain
   * notification runs after the lock is released, as it may call back into the device.
   */
  private int access(IntSupplier register) {
    boolean drained;
    int result;
    synchronized (this) {
      int before = fifoLength;
      result = register.getAsInt();
      drained = before > 0 && fifoLength == 0;
      updateInterrupt();
    }
    if (drained) {
      notifyDrained();
    }
    return result;
  }

  /**
   * Console input for the guest: appends what fits in the receive FIFO and returns how many bytes
   * that was, so the event loop keeps the rest (and stops reading its input) until {@code
   * inputDrained} runs. Nothing is taken in loopback mode, where the line is cut off.
   */
  public synchronized int enqueue(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if ((mcr & MCR_LOOP) != 0) {
      return 0;
    }
    int accepted = Math.min(length, FIFO_SIZE - fifoLength);
    for (int i = 0; i < accepted; i++) {
      push(bytes[offset + i]);
    }
    updateInterrupt();
    return accepted;
  }

  /** {@link #enqueue(byte[], int, int)} of the whole array. */
  public int enqueue(byte[] bytes) {
    return enqueue(bytes, 0, bytes.length);
  }

  /** Free bytes in the receive FIFO. */
  public synchronized int fifoCapacity() {
    return FIFO_SIZE - fifoLength;
  }

  @Override
  public synchronized SerialState save() {
    byte[] pending = new byte[fifoLength];
    for (int i = 0; i < fifoLength; i++) {
      pending[i] = fifo[(fifoHead + i) % FIFO_SIZE];
    }
    return new SerialState(
        divisorLow,
        divisorHigh,
        ier,
        lcr,
        mcr,
        scratch,
        fifoEnabled,
        overrun,
        thrEmptyPending,
        line,
        new Blob(pending));
  }

  @Override
  public synchronized void restore(SerialState state) {
    divisorLow = state.divisorLow();
    divisorHigh = state.divisorHigh();
    ier = state.ier() & IER_VALID;
    lcr = state.lcr();
    mcr = state.mcr() & MCR_VALID;
    scratch = state.scratch();
    fifoEnabled = state.fifoEnabled();
    overrun = state.overrun();
    thrEmptyPending = state.thrEmptyPending();
    // The interrupt controller's state comes from the same snapshot, so the line is as it was.
    line = state.line();
    byte[] pending = state.fifo().bytes();
    fifoHead = 0;
    fifoLength = pending.length;
    System.arraycopy(pending, 0, fifo, 0, pending.length);
  }

  private int readRegister(int offset) {
    boolean dlab = (lcr & LCR_DLAB) != 0;
    return switch (offset) {
      case DATA -> dlab ? divisorLow : receive();
      case IER -> dlab ? divisorHigh : ier;
      case IIR_FCR -> readIir();
      case LCR -> lcr;
      case MCR -> mcr;
      case LSR -> readLsr();
      case MSR -> readMsr();
      default -> scratch;
    };
  }

  private void writeRegister(int offset, int value) {
    boolean dlab = (lcr & LCR_DLAB) != 0;
    switch (offset) {
      case DATA -> {
        if (dlab) {
          divisorLow = value;
        } else {
          transmit(value);
        }
      }
      case IER -> {
        if (dlab) {
          divisorHigh = value;
        } else {
          // Switching ETBEI on with the transmitter empty raises THRE at once, as on the chip.
          if ((value & IER_THRE) != 0 && (ier & IER_THRE) == 0) {
            thrEmptyPending = true;
          }
          ier = value & IER_VALID;
        }
      }
      case IIR_FCR -> writeFcr(value);
      case LCR -> lcr = value;
      case MCR -> mcr = value & MCR_VALID;
      case SCR -> scratch = value;
      default -> {} // LSR and MSR are read-only
    }
  }

  private int receive() {
    metrics.increment("read_count");
    if (fifoLength == 0) {
      return 0;
    }
    int value = Byte.toUnsignedInt(fifo[fifoHead]);
    fifoHead = (fifoHead + 1) % FIFO_SIZE;
    fifoLength--;
    return value;
  }

  private void transmit(int value) {
    thrEmptyPending = false;
    if ((mcr & MCR_LOOP) != 0) {
      if (fifoLength < FIFO_SIZE) {
        push((byte) value);
      } else {
        overrun = true;
      }
    } else if (!limiter.admit(1)) {
      metrics.increment("rate_limiter_dropped_bytes");
    } else {
      try {
        out.write(value);
        out.flush();
        metrics.increment("write_count");
        metrics.increment("flush_count");
      } catch (IOException | RuntimeException e) {
        // A closed console or full disk loses the byte, never the guest: the UART cannot block.
        metrics.increment("error_count");
        metrics.increment("missed_write_count");
      }
    }
    thrEmptyPending = true;
  }

  private int readIir() {
    int iir = pendingInterrupt();
    if (iir == IIR_THRE) {
      thrEmptyPending = false; // reading IIR acknowledges THRE when it is the reported source
    }
    return iir | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
  }

  private int pendingInterrupt() {
    if ((ier & IER_RDA) != 0 && fifoLength > 0) {
      return IIR_RDA;
    }
    if ((ier & IER_THRE) != 0 && thrEmptyPending) {
      return IIR_THRE;
    }
    return IIR_NONE;
  }

  private void writeFcr(int value) {
    boolean enable = (value & FCR_ENABLE) != 0;
    if ((value & FCR_CLEAR_RX) != 0 || enable != fifoEnabled) {
      fifoHead = 0;
      fifoLength = 0;
    }
    fifoEnabled = enable;
  }

  private int readLsr() {
    int lsr = LSR_THR_EMPTY | LSR_IDLE;
    if (fifoLength > 0) {
      lsr |= LSR_DATA_READY;
    }
    if (overrun) {
      lsr |= LSR_OVERRUN;
      overrun = false;
    }
    return lsr;
  }

  private int readMsr() {
    if ((mcr & MCR_LOOP) == 0) {
      return MSR_DCD | MSR_DSR | MSR_CTS;
    }
    // Loopback wires the modem outputs back to the inputs: DTR->DSR, RTS->CTS, OUT1->RI,
    // OUT2->DCD.
    int msr = 0;
    msr |= (mcr & MCR_DTR) != 0 ? MSR_DSR : 0;
    msr |= (mcr & MCR_RTS) != 0 ? MSR_CTS : 0;
    msr |= (mcr & MCR_OUT1) != 0 ? MSR_RI : 0;
    msr |= (mcr & MCR_OUT2) != 0 ? MSR_DCD : 0;
    return msr;
  }

  private void push(byte value) {
    fifo[(fifoHead + fifoLength) % FIFO_SIZE] = value;
    fifoLength++;
  }

  private void updateInterrupt() {
    boolean level = pendingInterrupt() != IIR_NONE;
    if (level && !line) {
      try {
        interrupt.trigger();
      } catch (RuntimeException e) {
        metrics.increment("error_count");
      }
    }
    line = level;
  }

  private void notifyDrained() {
    try {
      inputDrained.run();
    } catch (RuntimeException e) {
      metrics.increment("error_count");
    }
  }
}
