package dev.updraft.deploy.journal;

import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.Sealer;
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
import java.util.Map;
import java.util.function.Predicate;

/**
 * An append-only journal of JSON lines. Each append is written and forced to disk before it
 * returns, so after a crash (even {@code kill -9}) every acknowledged entry is there; a line torn
 * by the crash is cut off when the journal is opened again. The file is its owner's only, and its
 * secret values are sealed ({@link EntryJson}).
 */
public final class Journal implements AutoCloseable {
  private final Path file;
  private final Sealer sealer;
  private FileChannel channel;
  private final List<Entry> entries = new ArrayList<>();
  // Fields that could be sealed, with their values as read: plain text in a journal of an older
  // updraft.
  private final List<Map.Entry<String, String>> sealable = new ArrayList<>();

  private Journal(Path file, Sealer sealer, FileChannel channel) {
    this.file = file;
    this.sealer = sealer;
    this.channel = channel;
  }

  /**
   * How a journal seals: a release's spec text always (it may hold inline secret values, of that
   * release or of any before), any other value when it holds a secret {@code holdsSecret} knows of
   * (a database's password, its URL).
   */
  public static Sealer sealer(EnvironmentKey key, Predicate<String> holdsSecret) {
    return new Sealer(
        key,
        (field, value) -> EntryJson.isSpecText(field) ? !value.isEmpty() : holdsSecret.test(value));
  }

  /** A journal without secrets (tests); see {@link #open(Path, Sealer)}. */
  public static Journal open(Path file) {
    return open(file, Sealer.PLAIN);
  }

  /**
   * Opens (or makes) the journal; {@code sealer} seals its secret values as they are appended and
   * opens them as they are read.
   */
  public static Journal open(Path file, Sealer sealer) {
    try {
      FileChannel channel =
          PrivateFiles.channel(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Journal journal = new Journal(file, sealer, channel);
      try {
        journal.load();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return journal;
    } catch (IOException e) {
      throw new UncheckedIOException("journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The entries of a journal another process may be appending to, read without opening it for
   * writing: a line still being written ends the read instead of being cut off. Empty when there is
   * no journal.
   *
   * @throws UncheckedIOException naming the file and the line when a whole line names a kind,
   *     status or outcome this updraft does not know (a newer updraft wrote it) or holds a sealed
   *     value that does not open: the journal goes on after it, so stopping there would show a
   *     history with its end silently missing
   */
  public static List<Entry> read(Path file, Sealer sealer) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Entry> read = new ArrayList<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int start = 0;
      int line = 1;
      for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start), line++) {
        try {
          read.add(EntryJson.read(text.substring(start, end), sealer, (f, v) -> {}));
        } catch (UnknownWordException | SealedLineException e) {
          throw new UncheckedIOException(
              "journal " + file + ": line " + line + ": " + e.getMessage(), e);
        }
        start = end + 1;
      }
    } catch (IOException e) {
      // a torn or unreadable line: what came before it is the journal so far
    }
    return read;
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
        entries.add(EntryJson.read(line, sealer, (f, v) -> sealable.add(Map.entry(f, v))));
        valid = i + 1L;
      } catch (UnknownWordException | SealedLineException e) {
        throw e; // a whole line, and those after it are the journal too
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

  /**
   * Writes the journal again with its secret values sealed if it holds one in plain text (as an
   * older updraft wrote it), replacing the file atomically; call once the sealer knows the
   * environment's secrets. Returns whether it did.
   */
  public synchronized boolean reseal() {
    if (sealable.stream().noneMatch(f -> sealer.wouldSeal(f.getKey(), f.getValue()))) {
      return false;
    }
    StringBuilder text = new StringBuilder();
    entries.forEach(entry -> text.append(EntryJson.write(entry, sealer)).append('\n'));
    try {
      channel.close();
      PrivateFiles.write(file, text.toString());
      channel = PrivateFiles.channel(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      channel.position(channel.size());
      sealable.clear();
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** Appends and fsyncs one entry. */
  public synchronized void append(Entry entry) {
    try {
      byte[] line = (EntryJson.write(entry, sealer) + "\n").getBytes(StandardCharsets.UTF_8);
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
