package dev.updraft.vmm.devices;

import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * The 16550A's registers and receive FIFO, as {@link Serial#save()} takes them.
 *
 * @param divisorLow DLL
 * @param divisorHigh DLM
 * @param ier interrupt enable register
 * @param lcr line control register
 * @param mcr modem control register
 * @param scratch SCR
 * @param fifoEnabled FCR bit 0
 * @param overrun an overrun the guest has not read from LSR yet
 * @param thrEmptyPending a THRE interrupt not yet acknowledged
 * @param line the interrupt line's level (the device raises edges)
 * @param fifo the bytes waiting in the receive FIFO, oldest first
 */
public record SerialState(
    int divisorLow,
    int divisorHigh,
    int ier,
    int lcr,
    int mcr,
    int scratch,
    boolean fifoEnabled,
    boolean overrun,
    boolean thrEmptyPending,
    boolean line,
    Blob fifo)
    implements Encodable {
  public SerialState {
    requireByte("divisor_low", divisorLow);
    requireByte("divisor_high", divisorHigh);
    requireByte("ier", ier);
    requireByte("lcr", lcr);
    requireByte("mcr", mcr);
    requireByte("scratch", scratch);
    if (fifo.length() > Serial.FIFO_SIZE) {
      throw new IllegalArgumentException(
          "fifo: " + fifo.length() + " bytes (expected: at most " + Serial.FIFO_SIZE + ")");
    }
  }

  static void requireByte(String field, int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: 0..255)");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeByte(divisorLow)
        .writeByte(divisorHigh)
        .writeByte(ier)
        .writeByte(lcr)
        .writeByte(mcr)
        .writeByte(scratch)
        .writeBool(fifoEnabled)
        .writeBool(overrun)
        .writeBool(thrEmptyPending)
        .writeBool(line)
        .writeBlob(fifo);
  }

  public static SerialState read(StateReader in) {
    return new SerialState(
        in.readByte(),
        in.readByte(),
        in.readByte(),
        in.readByte(),
        in.readByte(),
        in.readByte(),
        in.readBool(),
        in.readBool(),
        in.readBool(),
        in.readBool(),
        in.readBlob(Serial.FIFO_SIZE));
  }
}
