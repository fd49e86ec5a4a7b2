package dev.updraft.vmm.state;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads what a {@link StateWriter} wrote, refusing anything that does not fit: a value past the
 * end, a length or count beyond its limit, a boolean other than 0 or 1, invalid UTF-8, bytes left
 * over in a section. Every refusal, and every exception a record's constructor throws while a
 * section is read, becomes a {@link StateFormatException} that names the section, e.g. {@code "vcpu
 * 1: lapic: 12 bytes (expected: 1024 bytes)"}.
 */
public final class StateReader {
  private final byte[] data;
  private final int end;
  private final String where;
  private int position;

  /** A reader of all of {@code data}; {@code where} starts every error message. */
  public StateReader(byte[] data, String where) {
    this(data, 0, data.length, where);
  }

  private StateReader(byte[] data, int offset, int end, String where) {
    this.data = Objects.requireNonNull(data, "data");
    this.position = offset;
    this.end = end;
    this.where = where;
  }

  public int readByte() {
    need(1, "a byte");
    return Byte.toUnsignedInt(data[position++]);
  }

  public boolean readBool() {
    int value = readByte();
    if (value > 1) {
      throw failure("boolean byte " + value + " (expected: 0 or 1)");
    }
    return value == 1;
  }

  public int readShort() {
    return readByte() | readByte() << 8;
  }

  public int readInt() {
    need(4, "a 32-bit value");
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (data[position++] & 0xFF) << (8 * i);
    }
    return value;
  }

  public long readLong() {
    need(8, "a 64-bit value");
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (data[position++] & 0xFFL) << (8 * i);
    }
    return value;
  }

  /** Bytes written by {@link StateWriter#writeBytes}, at most {@code max} of them. */
  public byte[] readBytes(int max) {
    int length = length(max, "bytes");
    need(length, length + " bytes");
    byte[] bytes = new byte[length];
    System.arraycopy(data, position, bytes, 0, length);
    position += length;
    return bytes;
  }

  public Blob readBlob(int max) {
    return new Blob(readBytes(max));
  }

  public String readString(int max) {
    byte[] bytes = readBytes(max);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw failure("a string that is not UTF-8");
    }
  }

  /** A list written by {@link StateWriter#writeList}, at most {@code max} items. */
  public <T> List<T> readList(int max, Function<StateReader, T> item) {
    int count = length(max, "items");
    List<T> items = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      items.add(item.apply(this));
    }
    return List.copyOf(items);
  }

  /** A value written by {@link StateWriter#writeOptional}, or null. */
  public <T> T readOptional(Function<StateReader, T> value) {
    return readBool() ? value.apply(this) : null;
  }

  /**
   * A section written by {@link StateWriter#section} or {@link StateWriter#write}, read by {@code
   * body} on a reader of exactly its bytes; {@code name} goes into error messages.
   */
  public <T> T section(String name, Function<StateReader, T> body) {
    int length = length(Integer.MAX_VALUE, "section bytes");
    need(length, "a " + length + "-byte section " + name);
    StateReader inner =
        new StateReader(
            data, position, position + length, where.isEmpty() ? name : where + ": " + name);
    T value;
    try {
      value = body.apply(inner);
    } catch (StateFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // A record's constructor refused a value (IllegalArgumentException, or a ConfigException
      // for configuration): its message names the field, the section says where.
      throw new StateFormatException(inner.prefix() + e.getMessage(), e);
    }
    if (inner.position != inner.end) {
      throw inner.failure((inner.end - inner.position) + " bytes left over (a newer layout?)");
    }
    position += length;
    return value;
  }

  /** Whether every byte was read. */
  public boolean atEnd() {
    return position == end;
  }

  /** A failure at this reader's place, for checks its callers make. */
  public StateFormatException failure(String problem) {
    return new StateFormatException(prefix() + problem);
  }

  private String prefix() {
    return where.isEmpty() ? "" : where + ": ";
  }

  private int length(int max, String what) {
    int length = readInt();
    if (length < 0 || length > max) {
      throw failure(
          Integer.toUnsignedString(length) + " " + what + " (expected: at most " + max + ")");
    }
    return length;
  }

  private void need(int bytes, String what) {
    if (end - position < bytes) {
      throw failure("ends after " + (end - position) + " bytes where " + what + " should follow");
    }
  }
}
