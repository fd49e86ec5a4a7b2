package dev.updraft.vmm.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Builds the bytes of a snapshot's state: little-endian integers of fixed width, booleans as one
 * byte, byte arrays and UTF-8 strings with a 32-bit length in front, lists with a 32-bit count,
 * optional values behind a presence byte, and sections (a device, a vCPU) with their length in
 * front so that a reader can say which one is damaged and check that it read all of it.
 */
public final class StateWriter {
  private byte[] buffer = new byte[4096];
  private int size;

  public StateWriter writeByte(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  public StateWriter writeBool(boolean value) {
    return writeByte(value ? 1 : 0);
  }

  public StateWriter writeShort(int value) {
    return writeByte(value).writeByte(value >>> 8);
  }

  public StateWriter writeInt(int value) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  public StateWriter writeLong(long value) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  public StateWriter writeBytes(byte[] bytes) {
    writeInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
    return this;
  }

  public StateWriter writeBlob(Blob blob) {
    return writeBytes(blob.bytes());
  }

  public StateWriter writeString(String text) {
    return writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A count, then each item. */
  public <T> StateWriter writeList(List<T> items, BiConsumer<StateWriter, T> item) {
    writeInt(items.size());
    for (T t : items) {
      item.accept(this, t);
    }
    return this;
  }

  /** A presence byte, then the value if there is one. */
  public <T> StateWriter writeOptional(T valueOrNull, BiConsumer<StateWriter, T> value) {
    writeBool(valueOrNull != null);
    if (valueOrNull != null) {
      value.accept(this, valueOrNull);
    }
    return this;
  }

  /** An {@link Encodable} as a section of its own. */
  public StateWriter write(Encodable value) {
    return section(value::write);
  }

  /**
   * What {@code body} writes, with its length in front (read back by {@link StateReader#section}).
   */
  public StateWriter section(Consumer<StateWriter> body) {
    int lengthAt = size;
    writeInt(0);
    body.accept(this);
    int length = size - lengthAt - 4;
    for (int i = 0; i < 4; i++) {
      buffer[lengthAt + i] = (byte) (length >>> (8 * i));
    }
    return this;
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      long wanted = Math.max((long) buffer.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("snapshot state over 2 GiB");
      }
      buffer = Arrays.copyOf(buffer, (int) wanted);
    }
  }
}
