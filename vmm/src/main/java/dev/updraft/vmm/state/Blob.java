package dev.updraft.vmm.state;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Bytes saved as they are (a kernel struct such as a LAPIC page or an XSAVE area, a FIFO's
 * contents), compared by value and never shared: the array is copied in and out.
 */
public record Blob(byte[] bytes) {
  public static final Blob EMPTY = new Blob(new byte[0]);

  public Blob {
    bytes = Objects.requireNonNull(bytes, "bytes").clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blob other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    String head = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
    return "Blob[" + bytes.length + " bytes: " + head + (bytes.length > 16 ? "...]" : "]");
  }
}
