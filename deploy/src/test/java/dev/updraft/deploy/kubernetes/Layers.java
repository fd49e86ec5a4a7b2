package dev.updraft.deploy.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads an image layer (a gzipped tar) into its entries, to check what an image holds. */
final class Layers {
  /** One file of a layer: its mode and content (empty for directories). */
  record Entry(int mode, boolean directory, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private Layers() {}

  /** The layer's entries by path, without a leading slash, in tar order. */
  static Map<String, Entry> read(InputStream gzipped) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(gzipped)) {
      while (true) {
        byte[] header = in.readNBytes(512);
        if (header.length < 512 || header[0] == 0) {
          return entries;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        int mode = Integer.parseInt(field(header, 100, 8).strip(), 8);
        long size = Long.parseLong(field(header, 124, 12).strip(), 8);
        char type = (char) header[156];
        byte[] content = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (type == 'x' || type == 'g') {
          continue; // PAX headers: the names here are short enough not to need them
        }
        String path = (prefix.isEmpty() ? name : prefix + "/" + name).replaceFirst("^/", "");
        entries.put(path.replaceFirst("/$", ""), new Entry(mode, type == '5', content));
      }
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
