package dev.updraft.vmm.config;

/**
 * The logger's {@code level}, from quietest to most verbose. A logger at a level writes messages of
 * that level and the more severe ones; {@link #OFF} writes nothing.
 */
public enum LogLevel implements WireNamed {
  OFF("Off", "OFF"),
  ERROR("Error", "ERROR"),
  WARNING("Warning", "WARN"),
  INFO("Info", "INFO"),
  DEBUG("Debug", "DEBUG"),
  TRACE("Trace", "TRACE");

  private final String wireName;
  private final String label;

  LogLevel(String wireName, String label) {
    this.wireName = wireName;
    this.label = label;
  }

  @Override
  public String wireName() {
    return wireName;
  }

  /** How a log line shows the level with {@code show_level}, as Firecracker: {@code WARN}. */
  public String label() {
    return label;
  }

  /** Whether a logger at this level writes a message of {@code message}'s level. */
  // The levels are declared from the most to the least severe: their order is their meaning.
  @SuppressWarnings("EnumOrdinal")
  public boolean enables(LogLevel message) {
    return message != OFF && message.ordinal() <= ordinal();
  }

  /**
   * Parses a level the way Firecracker does: case-insensitively, with {@code Warn} accepted as an
   * old spelling of {@code Warning}.
   */
  public static LogLevel parse(String field, String value) {
    if ("warn".equalsIgnoreCase(value)) {
      return WARNING;
    }
    return WireNamed.parse(LogLevel.class, field, value, true);
  }
}
