package dev.updraft.vmm.devices;

/**
 * A device on the port-I/O or MMIO bus. The bus hands over the offset from the device's base
 * address and a buffer of the access width (1, 2, 4 or 8 bytes, little-endian). Implementations
 * must tolerate any offset and width a guest chooses: unknown registers read as zero (or all ones,
 * where the hardware does so) and ignore writes.
 */
public interface BusDevice {
  /** A guest read: fill {@code data} with the register value at {@code offset}. */
  void read(long offset, byte[] data);

  /** A guest write of {@code data} to the register at {@code offset}. */
  void write(long offset, byte[] data);
}
