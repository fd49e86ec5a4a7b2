package dev.updraft.deploy.kubernetes;

import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What jib says while it builds and pushes: every log line goes to the image step's log file, the
 * last warnings are kept for an error's log tail, and the blobs it uploaded are told from those the
 * registry had or mounted from another repository. Jib reports blobs only in the descriptions of
 * its timers ("Pushing BLOB digest: sha256:..., size: N", then "pushBlob PATCH sha256:..." only
 * when the bytes are sent), so that is what is read: a wording jib changes makes the counts wrong,
 * never the image.
 */
final class JibProgress implements Consumer<JibEvent> {
  private static final Pattern PUSHING =
      Pattern.compile("Pushing BLOB digest: (sha256:[0-9a-f]{64}), size: ([0-9]+)");
  private static final Pattern UPLOADING = Pattern.compile("pushBlob PATCH (sha256:[0-9a-f]{64})");
  private static final int TAIL = 20;

  private final Path log;
  private final Map<String, Long> sizes = new HashMap<>();
  private final Set<String> uploaded = new HashSet<>();
  private final Deque<String> tail = new ArrayDeque<>();

  /**
   * @param log the file jib's log lines are appended to
   */
  JibProgress(Path log) {
    this.log = log;
    try {
      Files.deleteIfExists(log);
      PrivateFiles.touch(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void accept(JibEvent event) {
    switch (event) {
      case TimerEvent t -> {
        Matcher size = PUSHING.matcher(t.getDescription());
        if (size.find()) {
          sizes.put(size.group(1), Long.parseLong(size.group(2)));
        }
        Matcher upload = UPLOADING.matcher(t.getDescription());
        if (upload.find()) {
          uploaded.add(upload.group(1));
        }
      }
      case LogEvent l -> line(l.getLevel(), l.getLevel() + " " + l.getMessage());
      default -> {}
    }
  }

  /** The bytes uploaded for a blob, or null when it was not uploaded. */
  synchronized Long pushed(String digest) {
    return uploaded.contains(digest) ? sizes.getOrDefault(digest, 0L) : null;
  }

  /** The last warnings and lifecycle lines jib logged. */
  synchronized String tail() {
    return String.join("\n", tail);
  }

  private void line(LogEvent.Level level, String text) {
    String line = text.strip();
    if (line.isEmpty()) {
      return;
    }
    // The tail is for errors: what jib warned about, not its chatter about each blob.
    if (level == LogEvent.Level.ERROR
        || level == LogEvent.Level.WARN
        || level == LogEvent.Level.LIFECYCLE) {
      tail.addLast(line);
      if (tail.size() > TAIL) {
        tail.removeFirst();
      }
    }
    try {
      Files.writeString(
          log,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log helps diagnose; failing to write it must not fail the build.
    }
  }
}
