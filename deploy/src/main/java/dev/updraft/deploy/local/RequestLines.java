package dev.updraft.deploy.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines a client sends on the supervisor's control socket, each at most {@code limit} bytes: a
 * broken or hostile client that sends bytes without a newline would otherwise grow one line in the
 * supervisor's memory without bound, as {@code BufferedReader.readLine} lets it.
 */
final class RequestLines {
  /**
   * The longest request read, newline excluded: a {@code route} request for hundreds of services or
   * a {@code start} with a large environment is a few hundred KiB.
   */
  static final int LIMIT = 4 << 20;

  /** A line went past the limit before its newline; what came of it was dropped. */
  static final class TooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLongException(int limit) {
      super("request line longer than " + limit + " bytes (expected: one JSON request per line)");
    }
  }

  private final InputStream in;
  private final int limit;
  private final byte[] buffer = new byte[8192];
  private int start;
  private int end;

  RequestLines(InputStream in, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.in = in;
    this.limit = limit;
  }

  /**
   * The next line without its newline (a trailing {@code \r} is kept, as JSON ignores it), or null
   * at the end of the stream; an unfinished last line is returned as a line.
   *
   * @throws TooLongException once {@code limit} bytes came without a newline
   */
  String next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (start == end) {
        int n = in.read(buffer);
        if (n < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        start = 0;
        end = n;
      }
      int newline = start;
      while (newline < end && buffer[newline] != '\n') {
        newline++;
      }
      int taken = newline - start;
      if (line.size() + taken > limit) {
        throw new TooLongException(limit);
      }
      line.write(buffer, start, taken);
      start = newline;
      if (newline < end) {
        start++; // past the newline
        return line.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
