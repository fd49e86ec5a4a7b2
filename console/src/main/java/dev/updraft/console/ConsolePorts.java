package dev.updraft.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The ports a supervisor's console tries, in order: the one it had before (so its URL stays the
 * same across restarts of the supervisor), the configured one, the next {@link #NEXT} above it
 * (another environment's console has the first), then any free port.
 *
 * @param ports the candidates, 0 meaning any free port; empty when the console is off
 */
record ConsolePorts(List<Integer> ports) {
  /** The environment variable that sets the port: a number 0..65535 (0: any), or {@code off}. */
  static final String VARIABLE = "UPDRAFT_CONSOLE_PORT";

  static final int NEXT = 19;

  ConsolePorts {
    ports = List.copyOf(ports);
  }

  /**
   * @param variable the value of {@link #VARIABLE}, or null
   * @param remembered the port this environment's console had before, or 0
   * @throws IllegalArgumentException naming the variable when its value is neither
   */
  static ConsolePorts of(String variable, int remembered) {
    String value = variable == null ? "" : variable.strip();
    if (value.equalsIgnoreCase("off")) {
      return new ConsolePorts(List.of());
    }
    int base = Console.DEFAULT_PORT;
    if (!value.isEmpty()) {
      try {
        base = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        base = -1;
      }
      if (base < 0 || base > 65535) {
        throw new IllegalArgumentException(
            VARIABLE + ": '" + value + "' (expected: a port 0..65535, or off)");
      }
    }
    List<Integer> ports = new ArrayList<>();
    if (remembered > 0 && remembered <= 65535) {
      ports.add(remembered);
    }
    for (int p = base; base > 0 && p <= Math.min(65535, base + NEXT); p++) {
      if (!ports.contains(p)) {
        ports.add(p);
      }
    }
    ports.add(0);
    return new ConsolePorts(ports);
  }

  boolean off() {
    return ports.isEmpty();
  }
}
