package dev.updraft.vmm.boot;

import dev.updraft.vmm.memory.GuestMemory;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads image bytes for the loaders, turning short files and I/O errors into BootExceptions. */
final class Images {
  /** Guest memory is filled in chunks so no single buffer view exceeds what a slice allows. */
  private static final int CHUNK = 16 << 20;

  private Images() {}

  static long size(ImageSource image, String field) {
    try {
      return image.size();
    } catch (IOException e) {
      throw new BootException(field, "unreadable (" + e.getMessage() + ")", "a readable image", e);
    }
  }

  /** {@code length} bytes from {@code offset} as a little-endian buffer on the heap. */
  static ByteBuffer read(ImageSource image, long offset, int length, String field) {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    try {
      image.read(offset, buffer);
    } catch (EOFException e) {
      throw new BootException(
          field,
          "truncated at offset " + BootException.hex(offset) + " length " + length,
          "an image holding the whole range",
          e);
    } catch (IOException e) {
      throw new BootException(field, "unreadable (" + e.getMessage() + ")", "a readable image", e);
    }
    return buffer.flip();
  }

  /** Copies {@code length} image bytes from {@code offset} to guest {@code address}. */
  static void copy(
      ImageSource image, long offset, long length, GuestMemory memory, long address, String field) {
    long done = 0;
    while (done < length) {
      int chunk = (int) Math.min(CHUNK, length - done);
      try {
        image.read(offset + done, memory.slice(address + done, chunk));
      } catch (EOFException e) {
        throw new BootException(
            field,
            "truncated at offset " + BootException.hex(offset + done),
            "an image holding " + length + " bytes from " + BootException.hex(offset),
            e);
      } catch (IOException e) {
        throw new BootException(
            field, "unreadable (" + e.getMessage() + ")", "a readable image", e);
      }
      done += chunk;
    }
  }
}
