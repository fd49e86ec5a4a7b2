package dev.updraft.vmm.jailer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the jailer's command line: Firecracker's flags ({@code --flag value} or {@code
 * --flag=value}), {@code --cgroup} and {@code --resource-limit} repeatable, everything after {@code
 * --} for the jailed program.
 */
public final class JailerArgs {
  /** What the command line asks for. */
  public sealed interface Invocation permits Run, Help, Version {}

  /** Set up the jail and exec. */
  public record Run(JailerOptions options) implements Invocation {}

  /** {@code --help}. */
  public record Help() implements Invocation {}

  /** {@code --version}. */
  public record Version() implements Invocation {}

  private static final Set<String> VALUED =
      Set.of(
          "id",
          "exec-file",
          "uid",
          "gid",
          "chroot-base-dir",
          "netns",
          "cgroup",
          "cgroup-version",
          "parent-cgroup",
          "resource-limit");
  private static final Set<String> SWITCHES = Set.of("daemonize", "new-pid-ns", "help", "version");
  private static final Set<String> REPEATABLE = Set.of("cgroup", "resource-limit");

  private JailerArgs() {}

  public static Invocation parse(String... args) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> vmmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        vmmArgs.addAll(List.of(args).subList(i + 1, args.length));
        break;
      }
      if (!arg.startsWith("--")) {
        throw new JailerException(
            "Found argument '" + arg + "' which wasn't expected, or isn't valid in this context.");
      }
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals < 0 ? arg.length() : equals);
      String value;
      if (SWITCHES.contains(name)) {
        if (equals >= 0) {
          throw new JailerException("The argument '--" + name + "' takes no value");
        }
        value = "";
      } else if (VALUED.contains(name)) {
        if (equals >= 0) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new JailerException(
              "The argument '--" + name + "' requires a value but none was supplied");
        }
      } else {
        throw new JailerException(
            "Found argument '--"
                + name
                + "' which wasn't expected, or isn't valid in this context.");
      }
      List<String> list = values.computeIfAbsent(name, n -> new ArrayList<>());
      if (!list.isEmpty() && !REPEATABLE.contains(name)) {
        throw new JailerException("The argument '--" + name + "' was provided more than once.");
      }
      list.add(value);
    }
    if (values.containsKey("help")) {
      return new Help();
    }
    if (values.containsKey("version")) {
      return new Version();
    }
    for (String required : List.of("id", "exec-file", "uid", "gid")) {
      if (!values.containsKey(required)) {
        throw new JailerException("Argument '--" + required + "' required, but not found.");
      }
    }
    return new Run(
        new JailerOptions(
            one(values, "id"),
            path(values, "exec-file"),
            id(values, "uid"),
            id(values, "gid"),
            values.containsKey("chroot-base-dir")
                ? path(values, "chroot-base-dir")
                : JailerOptions.DEFAULT_CHROOT_BASE,
            values.containsKey("netns") ? path(values, "netns") : null,
            values.containsKey("daemonize"),
            values.containsKey("new-pid-ns"),
            cgroupVersion(values),
            values.getOrDefault("cgroup", List.of()).stream().map(CgroupSetting::parse).toList(),
            values.containsKey("parent-cgroup") ? one(values, "parent-cgroup") : null,
            values.getOrDefault("resource-limit", List.of()).stream()
                .map(ResourceLimit::parse)
                .toList(),
            vmmArgs));
  }

  private static String one(Map<String, List<String>> values, String name) {
    return values.get(name).getFirst();
  }

  private static Path path(Map<String, List<String>> values, String name) {
    String value = one(values, name);
    if (value.isEmpty() || value.indexOf('\0') >= 0) {
      throw JailerException.of("--" + name, value, "a path");
    }
    return Path.of(value);
  }

  // Firecracker's uid and gid are u32; -1 means "unchanged" to setresuid, so it is refused.
  private static int id(Map<String, List<String>> values, String name) {
    String value = one(values, name);
    try {
      long id = Long.parseLong(value);
      if (id >= 0 && id < 0xffff_ffffL) {
        return (int) id;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    String what = name.equals("uid") ? "Invalid uid" : "Invalid gid";
    throw JailerException.of("--" + name, value, "a numeric id 0..4294967294 (" + what + ")");
  }

  private static int cgroupVersion(Map<String, List<String>> values) {
    if (!values.containsKey("cgroup-version")) {
      return 1;
    }
    String value = one(values, "cgroup-version");
    return switch (value) {
      case "1" -> 1;
      case "2" -> 2;
      default ->
          throw JailerException.of(
              "--cgroup-version",
              value,
              "1 or 2 (" + value + " is an invalid cgroup version specifier)");
    };
  }

  /** The {@code --help} text. */
  public static String help() {
    return """
        Jailer (updraft %s, Firecracker's jailer flags)

        Usage: jailer --id ID --exec-file FILE --uid UID --gid GID [OPTIONS] [-- VMM ARGS]
        (the same as: updraft vm jailer ...)

        Options:
          --id <ID>                   Jail ID: letters, digits and hyphens, up to 64
          --exec-file <FILE>          The program to jail: updraft.jar (a JVM VMM) or a binary
          --uid <UID>                 The user the program runs as
          --gid <GID>                 The group the program runs as
          --chroot-base-dir <DIR>     Where jails are made [default: /srv/jailer]
          --netns <PATH>              Network namespace to join (e.g. /var/run/netns/NAME)
          --daemonize                 New session, standard I/O to /dev/null
          --new-pid-ns                Run the program as PID 1 of a new PID namespace
          --cgroup <FILE=VALUE>       Set a cgroup file (repeatable), e.g. pids.max=200
          --cgroup-version <1|2>      The cgroup hierarchy to use [default: 1]
          --parent-cgroup <PATH>      Parent of the jail's cgroup [default: the exec file's name]
          --resource-limit <R=VALUE>  fsize or no-file (repeatable) [default: no-file=2048]
          --version                   Print the version
          --help                      Print this help

        Any arguments after the -- separator are supplied to the jailed program.
        The jail is <chroot-base-dir>/<exec-file name>/<id>/root.
        """
        .formatted(dev.updraft.vmm.api.Versions.updraft());
  }
}
