package dev.updraft.vmm.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the message a Uffd-backed restore sends its page-fault handler, Firecracker's {@code
 * GuestRegionUffdMapping}: guest memory at {@code base_host_virt_addr} in the VMM, {@code size}
 * bytes, whose contents are at {@code offset} in the memory file, in pages of {@code page_size}
 * bytes. The message is a JSON array of these, as Firecracker sends it (with the deprecated {@code
 * page_size_kib}, which despite its name holds bytes too).
 */
public record UffdRegion(long baseHostVirtAddr, long size, long offset, long pageSize) {
  private static final JsonFactory JSON = new JsonFactory();

  public UffdRegion {
    if (size <= 0 || offset < 0 || pageSize <= 0 || Long.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException(
          "uffd region: size "
              + size
              + ", offset "
              + offset
              + ", page_size "
              + pageSize
              + " (expected: size > 0, offset >= 0, page_size a power of two)");
    }
  }

  /** Whether the page at host address {@code address} is in this region. */
  public boolean contains(long address) {
    return address - baseHostVirtAddr >= 0 && address - baseHostVirtAddr < size;
  }

  /** The message: {@code [{"base_host_virt_addr": ..., ...}, ...]}. */
  public static byte[] encode(List<UffdRegion> regions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (UffdRegion r : regions) {
        json.writeStartObject();
        json.writeNumberField("base_host_virt_addr", r.baseHostVirtAddr);
        json.writeNumberField("size", r.size);
        json.writeNumberField("offset", r.offset);
        json.writeNumberField("page_size", r.pageSize);
        json.writeNumberField("page_size_kib", r.pageSize);
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a message; unknown fields are skipped, as a handler built against an older or newer
   * Firecracker would.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static List<UffdRegion> decode(byte[] message) {
    List<UffdRegion> regions = new ArrayList<>();
    try (JsonParser json = JSON.createParser(message)) {
      expect(json.nextToken(), JsonToken.START_ARRAY, "a JSON array of regions");
      while (json.nextToken() == JsonToken.START_OBJECT) {
        long base = -1;
        long size = -1;
        long offset = -1;
        long pageSize = -1;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String name = json.currentName();
          JsonToken value = json.nextToken();
          if (value != JsonToken.VALUE_NUMBER_INT) {
            json.skipChildren();
            continue;
          }
          switch (name) {
            case "base_host_virt_addr" -> base = json.getLongValue();
            case "size" -> size = json.getLongValue();
            case "offset" -> offset = json.getLongValue();
            case "page_size" -> pageSize = json.getLongValue();
            default -> {}
          }
        }
        if (base == -1 || size == -1 || offset == -1 || pageSize == -1) {
          throw new IllegalArgumentException(
              "uffd region: base_host_virt_addr, size, offset and page_size are required");
        }
        regions.add(new UffdRegion(base, size, offset, pageSize));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("uffd message: not JSON: " + e.getMessage(), e);
    }
    return List.copyOf(regions);
  }

  private static void expect(JsonToken got, JsonToken wanted, String what) {
    if (got != wanted) {
      throw new IllegalArgumentException("uffd message: " + got + " (expected: " + what + ")");
    }
  }
}
