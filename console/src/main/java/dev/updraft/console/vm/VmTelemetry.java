package dev.updraft.console.vm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a microVM's files tell beyond its API, as Firecracker keeps them: the boot time the
 * boot-timer device logs ({@code Guest-boot-time = N us}) in the VMM's log, and each device's
 * counters in the newest line of its metrics file (counters since the flush before it). Both paths
 * come from {@code GET /vm/config}; a VMM configured without them shows neither.
 */
final class VmTelemetry {
  // The metrics groups of devices; the others are the VMM's own (API calls, logger, ...).
  private static final List<String> DEVICES =
      List.of("block", "net", "vsock", "entropy", "uart", "i8042", "rtc", "balloon", "pmem");
  private static final Pattern BOOT_TIME = Pattern.compile("Guest-boot-time = +(\\d+) us");
  private static final int TAIL = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private VmTelemetry() {}

  /** The last boot time the log at {@code log} reports, or null. */
  static Duration bootTime(Path log) {
    String text = tail(log);
    Matcher m = BOOT_TIME.matcher(text);
    Duration last = null;
    while (m.find()) {
      last = Duration.ofNanos(Long.parseLong(m.group(1)) * 1000);
    }
    return last;
  }

  /** Each device group of the metrics file's newest line with its counters that are not 0. */
  static Map<String, Map<String, Long>> devices(Path metrics) {
    String text = tail(metrics).strip();
    Map<String, Map<String, Long>> devices = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return devices;
    }
    try {
      JsonNode line = JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
      line.properties()
          .forEach(
              group -> {
                if (device(group.getKey()) && group.getValue().isObject()) {
                  Map<String, Long> counters = new LinkedHashMap<>();
                  group
                      .getValue()
                      .properties()
                      .forEach(
                          c -> {
                            if (c.getValue().isNumber() && c.getValue().asLong() != 0) {
                              counters.put(c.getKey(), c.getValue().asLong());
                            }
                          });
                  devices.put(group.getKey(), counters);
                }
              });
    } catch (JacksonException e) {
      // a line being written: the next page view reads it whole
    }
    return devices;
  }

  private static boolean device(String group) {
    return DEVICES.stream().anyMatch(d -> group.equals(d) || group.startsWith(d + "_"));
  }

  /** The file's last {@value #TAIL} bytes, or "" when it cannot be read. */
  private static String tail(Path file) {
    if (file == null) {
      return "";
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long from = Math.max(0, channel.size() - TAIL);
      ByteBuffer bytes = ByteBuffer.allocate((int) (channel.size() - from));
      while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) > 0) {
        // read what is there
      }
      return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
