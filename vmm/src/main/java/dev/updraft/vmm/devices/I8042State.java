package dev.updraft.vmm.devices;

import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * The i8042's registers and output buffer, as {@link I8042#save()} takes them.
 *
 * @param status the status register
 * @param control the controller configuration byte
 * @param outputPort the output port
 * @param command the two-step command awaiting its parameter byte
 * @param buffer the bytes the guest has not read yet, oldest first
 */
public record I8042State(int status, int control, int outputPort, int command, Blob buffer)
    implements Encodable {
  public I8042State {
    SerialState.requireByte("status", status);
    SerialState.requireByte("control", control);
    SerialState.requireByte("output_port", outputPort);
    SerialState.requireByte("command", command);
    if (buffer.length() > I8042.BUFFER_SIZE) {
      throw new IllegalArgumentException(
          "buffer: " + buffer.length() + " bytes (expected: at most " + I8042.BUFFER_SIZE + ")");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeByte(status)
        .writeByte(control)
        .writeByte(outputPort)
        .writeByte(command)
        .writeBlob(buffer);
  }

  public static I8042State read(StateReader in) {
    return new I8042State(
        in.readByte(), in.readByte(), in.readByte(), in.readByte(), in.readBlob(I8042.BUFFER_SIZE));
  }
}
