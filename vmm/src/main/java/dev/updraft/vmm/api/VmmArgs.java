package dev.updraft.vmm.api;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Firecracker's command line ({@code src/firecracker/src/main.rs}): the same flags with the same
 * meaning, {@code --flag value} or {@code --flag=value}, so scripts and tools that start {@code
 * firecracker} can start updraft. Flags of features updraft lacks are refused by name.
 */
public final class VmmArgs {
  /** What the command line asks for. */
  public sealed interface Invocation
      permits Run, Help, Version, SnapshotVersion, DescribeSnapshot {}

  /** Run the VMM. */
  public record Run(VmmOptions options) implements Invocation {}

  /** {@code --help}. */
  public record Help() implements Invocation {}

  /** {@code --version}. */
  public record Version() implements Invocation {}

  /** {@code --snapshot-version}: the snapshot format version this binary writes. */
  public record SnapshotVersion() implements Invocation {}

  /** {@code --describe-snapshot FILE}: the format version a state file was written with. */
  public record DescribeSnapshot(Path stateFile) implements Invocation {}

  private record Flag(String name, String value, String help) {}

  private static final List<Flag> FLAGS =
      List.of(
          new Flag("api-sock", "PATH", "Unix socket of the API [default: /run/firecracker.socket]"),
          new Flag("id", "ID", "MicroVM unique identifier [default: anonymous-instance]"),
          new Flag("config-file", "PATH", "Configure and boot the microVM from this JSON file"),
          new Flag("no-api", null, "Run without an API socket (requires --config-file)"),
          new Flag("log-path", "PATH", "File or FIFO for the log (default: standard output)"),
          new Flag("level", "LEVEL", "Log level: Error, Warning, Info, Debug, Trace or Off"),
          new Flag("module", "PREFIX", "Only log messages from classes with this name prefix"),
          new Flag("show-level", null, "Show the level on each log line"),
          new Flag("show-log-origin", null, "Show the source file and line on each log line"),
          new Flag("metrics-path", "PATH", "File or FIFO for the JSON metrics lines"),
          new Flag("boot-timer", null, "Log the guest boot time (guest writes 123 to 0xC0000000)"),
          new Flag(
              "http-api-max-payload-size", "BYTES", "Largest API request body [default: 51200]"),
          new Flag("start-time-us", "US", "Process start time, CLOCK_MONOTONIC (from the jailer)"),
          new Flag("start-time-cpu-us", "US", "Process CPU time at start (from the jailer)"),
          new Flag("parent-cpu-time-us", "US", "CPU time of the parent before exec (jailer)"),
          new Flag("metadata", "PATH", "A JSON file with the MMDS's first contents"),
          new Flag(
              "mmds-size-limit", "BYTES", "Largest MMDS document [default: the API payload limit]"),
          new Flag(
              "seccomp-filter",
              "FILE",
              "Seccomp filters in Firecracker's JSON format (api, vmm, vcpu)"),
          new Flag("no-seccomp", null, "Install no seccomp filters (not recommended)"),
          new Flag("version", null, "Print the version"),
          new Flag("snapshot-version", null, "Print the snapshot format version this VMM writes"),
          new Flag(
              "describe-snapshot", "FILE", "Print the format version of a snapshot state file"),
          new Flag("help", null, "Print this help"));

  private static final Map<String, String> UNSUPPORTED = Map.of("enable-pci", "PCI devices");

  private VmmArgs() {}

  /**
   * Parses the arguments after the program name.
   *
   * @throws VmmArgsException for unknown, repeated or malformed flags
   */
  public static Invocation parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Flag> known = new HashMap<>();
    FLAGS.forEach(flag -> known.put(flag.name(), flag));
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw usage(
            "Found argument '" + arg + "' which wasn't expected, or isn't valid in this context.");
      }
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals < 0 ? arg.length() : equals);
      String inline = equals < 0 ? null : arg.substring(equals + 1);
      if (UNSUPPORTED.containsKey(name)) {
        throw usage("--" + name + ": updraft does not support " + UNSUPPORTED.get(name) + " yet");
      }
      Flag flag = known.get(name);
      if (flag == null) {
        throw usage(
            "Found argument '--"
                + name
                + "' which wasn't expected, or isn't valid in this context.");
      }
      String value;
      if (flag.value() == null) {
        if (inline != null) {
          throw usage("The argument '--" + name + "' takes no value");
        }
        value = "";
      } else if (inline != null) {
        value = inline;
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw usage("The argument '--" + name + "' requires a value but none was supplied");
      }
      if (values.put(name, value) != null) {
        throw usage("The argument '--" + name + "' was provided more than once.");
      }
    }
    if (values.containsKey("help")) {
      return new Help();
    }
    if (values.containsKey("version")) {
      return new Version();
    }
    if (values.containsKey("snapshot-version")) {
      return new SnapshotVersion();
    }
    if (values.containsKey("describe-snapshot")) {
      return new DescribeSnapshot(path(values, "describe-snapshot"));
    }
    return new Run(options(values));
  }

  private static VmmOptions options(Map<String, String> values) {
    LogLevel level = null;
    if (values.containsKey("level")) {
      try {
        level = LogLevel.parse("--level", values.get("level"));
      } catch (ConfigException e) {
        throw new VmmArgsException(
            "Invalid value for logger level: " + e.getMessage(), ExitCode.BAD_CONFIGURATION);
      }
    }
    LoggerConfig logger =
        new LoggerConfig(
            path(values, "log-path"),
            level,
            values.containsKey("show-level") ? Boolean.TRUE : null,
            values.containsKey("show-log-origin") ? Boolean.TRUE : null,
            values.get("module"));
    Long maxPayload = number(values, "http-api-max-payload-size");
    int payloadLimit =
        maxPayload == null
            ? VmmOptions.DEFAULT_MAX_PAYLOAD
            : (int) Math.min(maxPayload, Integer.MAX_VALUE);
    Long mmdsLimit = number(values, "mmds-size-limit");
    try {
      return new VmmOptions(
          values.containsKey("api-sock")
              ? Path.of(values.get("api-sock"))
              : VmmOptions.DEFAULT_API_SOCK,
          values.getOrDefault("id", VmmOptions.DEFAULT_ID),
          path(values, "config-file"),
          values.containsKey("no-api"),
          logger,
          path(values, "metrics-path"),
          values.containsKey("boot-timer"),
          payloadLimit,
          number(values, "start-time-us"),
          number(values, "start-time-cpu-us"),
          number(values, "parent-cpu-time-us"),
          path(values, "metadata"),
          mmdsLimit == null ? payloadLimit : mmdsLimit,
          path(values, "seccomp-filter"),
          values.containsKey("no-seccomp"));
    } catch (ConfigException e) {
      throw usage(e.getMessage());
    }
  }

  private static Path path(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      return null;
    }
    if (value.isEmpty() || value.indexOf('\0') >= 0) {
      throw usage("--" + name + ": \"" + value + "\" (expected: a path)");
    }
    return Path.of(value);
  }

  private static Long number(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      return null;
    }
    try {
      long number = Long.parseLong(value);
      if (number >= 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw usage("--" + name + ": \"" + value + "\" (expected: a non-negative integer)");
  }

  private static VmmArgsException usage(String message) {
    return new VmmArgsException(message, ExitCode.ARG_PARSING);
  }

  /** The {@code --help} text. */
  public static String help() {
    StringBuilder text =
        new StringBuilder(
                "Firecracker v"
                    + Versions.FIRECRACKER
                    + " (updraft "
                    + Versions.updraft()
                    + ")\n\n")
            .append("Usage: firecracker [OPTIONS]   (the same as: updraft vm [OPTIONS])\n\n")
            .append("Options:\n");
    for (Flag flag : FLAGS) {
      String left = "  --" + flag.name() + (flag.value() == null ? "" : " <" + flag.value() + ">");
      text.append(left)
          .append(" ".repeat(Math.max(2, 38 - left.length())))
          .append(flag.help())
          .append('\n');
    }
    text.append("\nExit codes: 0 the guest ended normally, 1 failure, 152 bad configuration,")
        .append(" 153 bad arguments; otherwise the guest's exit code.\n");
    return text.toString();
  }
}
