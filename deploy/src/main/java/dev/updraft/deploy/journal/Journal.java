package dev.updraft.deploy.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only journal of JSON lines. Each append is written and forced to disk before it
 * returns, so after a crash (even {@code kill -9}) every acknowledged entry is there; a line torn
 * by the crash is cut off when the journal is opened again.
 */
public final class Journal implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final List<Entry> entries = new ArrayList<>();

  private Journal(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  public static Journal open(Path file) {
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Journal journal = new Journal(file, channel);
      journal.load();
      return journal;
    } catch (IOException e) {
      throw new UncheckedIOException("journal " + file + ": " + e.getMessage(), e);
    }
  }

  private void load() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int lineStart = 0;
    long valid = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
      try {
        entries.add(EntryJson.read(line));
        valid = i + 1;
      } catch (IOException e) {
        break; // corrupt from here on: a torn write
      }
      lineStart = i + 1;
    }
    if (valid < bytes.length) {
      channel.truncate(valid);
      channel.force(true);
    }
    channel.position(valid);
  }

  /** Appends and fsyncs one entry. */
  public synchronized void append(Entry entry) {
    try {
      byte[] line = (EntryJson.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
      entries.add(entry);
    } catch (IOException e) {
      throw new UncheckedIOException("journal " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
