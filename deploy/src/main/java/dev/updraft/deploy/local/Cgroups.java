package dev.updraft.deploy.local;

import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.sys.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Where one environment's processes get their {@code resources} enforced: the cgroup hierarchy of
 * this machine, found at run time, and one cgroup per instance or cron job under {@code
 * updraft/<environment>-<key>/<id>}. The key is a hash of the environment's data directory: two
 * checkouts may deploy environments of the same name, and their instances must not share limits.
 *
 * <p>cgroup v2 is one hierarchy whose root lists {@code memory} and {@code cpu} in {@code
 * cgroup.controllers}; the updraft tree hangs off its root, since v2 lets no cgroup that holds
 * processes (the one updraft runs in does) hand controllers down. cgroup v1 has a hierarchy per
 * controller; there the tree hangs off the cgroup updraft itself runs in, so a limit the machine
 * put on updraft still holds for what it starts.
 */
final class Cgroups {
  /** What detection found. */
  sealed interface Layout {}

  /** cgroup v2: {@code base} is {@code <root>/updraft}. */
  record V2(Path root, Path base) implements Layout {}

  /**
   * cgroup v1: the {@code updraft} directory in the memory and the cpu hierarchy, and in the
   * cpuacct one (null when it is cpu's own), where the CPU a cgroup used is counted.
   */
  record V1(Path memory, Path cpu, Path cpuacct) implements Layout {}

  /** No cgroups to use: why, and what would make it work. */
  record Unavailable(String why) implements Layout {}

  private final Layout layout;
  private final String environment;
  private volatile String failure;

  private Cgroups(Layout layout, String environment) {
    this.layout = layout;
    this.environment = environment;
  }

  /** The cgroups of the environment whose data directory is {@code dataDir}, on this machine. */
  static Cgroups detect(Path dataDir) {
    Detection machine = new Detection(Path.of("/sys/fs/cgroup"), Host.isRoot(), Files::isWritable);
    return new Cgroups(machine.layout(Path.of("/proc/self/cgroup")), environment(dataDir));
  }

  /** The same on a tree that stands in for the machine's (tests). */
  static Cgroups detect(Detection detection, Path self, Path dataDir) {
    return new Cgroups(detection.layout(self), environment(dataDir));
  }

  /**
   * What detection looks at.
   *
   * @param root where the cgroup file systems are mounted
   * @param asRoot whether updraft runs as root (for the advice when nothing is writable)
   * @param writable whether this process may make cgroups in a directory
   */
  record Detection(Path root, boolean asRoot, Predicate<Path> writable) {
    /**
     * @param self this process's cgroups ({@code /proc/self/cgroup})
     */
    Layout layout(Path self) {
      try {
        Path controllers = root.resolve("cgroup.controllers");
        if (Files.exists(controllers)) {
          List<String> have = List.of(Files.readString(controllers).trim().split("\\s+"));
          for (String wanted : List.of("memory", "cpu")) {
            if (!have.contains(wanted)) {
              return new Unavailable(
                  controllers
                      + " lists no "
                      + wanted
                      + " controller (it has: "
                      + String.join(" ", have)
                      + "); enable it in the kernel");
            }
          }
          V2 v2 = new V2(root, root.resolve("updraft"));
          return writable(v2, v2.base());
        }
        Path memory = root.resolve("memory");
        Path cpu = root.resolve("cpu");
        if (!Files.exists(memory.resolve("memory.limit_in_bytes"))
            || !Files.exists(cpu.resolve("cpu.cfs_quota_us"))) {
          return new Unavailable(
              "no cgroup v2 hierarchy at "
                  + root
                  + " and no cgroup v1 memory and cpu hierarchies under it; mount one of them");
        }
        List<String> lines = Files.readAllLines(self);
        Path cpuacct = root.resolve("cpuacct");
        boolean ownCpuacct =
            Files.exists(cpuacct.resolve("cpuacct.usage"))
                && !cpuacct.toRealPath().equals(cpu.toRealPath());
        V1 v1 =
            new V1(
                below(memory, lines, "memory"),
                below(cpu, lines, "cpu"),
                ownCpuacct ? below(cpuacct, lines, "cpuacct") : null);
        Layout checked = writable(v1, v1.memory());
        return checked instanceof Unavailable ? checked : writable(v1, v1.cpu());
      } catch (IOException e) {
        return new Unavailable("the cgroup file system at " + root + " is unreadable: " + e);
      }
    }

    /** {@code <hierarchy>/<the cgroup this process is in there>/updraft}. */
    private static Path below(Path hierarchy, List<String> self, String controller) {
      for (String line : self) {
        String[] fields = line.split(":", 3);
        if (fields.length == 3 && List.of(fields[1].split(",")).contains(controller)) {
          return hierarchy.resolve(fields[2].substring(1)).resolve("updraft");
        }
      }
      return hierarchy.resolve("updraft");
    }

    /** The layout if cgroups can be made at {@code dir}, else why not and what would help. */
    private Layout writable(Layout layout, Path dir) {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null && writable.test(existing)) {
        return layout;
      }
      return new Unavailable(
          existing
              + " is not writable; "
              + (asRoot
                  ? "mount the cgroup file system read-write (a container needs a writable one)"
                  : "run updraft as root"));
    }
  }

  /** The directory of an environment's cgroups: its name and a hash of its data directory. */
  static String environment(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(dir.toString().getBytes(StandardCharsets.UTF_8));
      return dir.getFileName() + "-" + HexFormat.of().formatHex(hash).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Layout layout() {
    return layout;
  }

  /** Why limits are not enforced here, with what would make them; empty when they are. */
  Optional<String> unenforced() {
    return switch (layout) {
      case Unavailable u -> Optional.of(u.why());
      case V1 _, V2 _ -> Optional.ofNullable(failure);
    };
  }

  /**
   * {@code command}, entering {@code cgroup} made anew first; when it cannot be made, {@code
   * command} without it, with a line in {@code log} saying why (limits that fail do not stop a
   * run).
   */
  List<String> enter(Cgroup cgroup, List<String> command, Path log) {
    try {
      cgroup.create();
      return cgroup.wrap(command);
    } catch (UncheckedIOException e) {
      failure = e.getMessage();
      try {
        Files.writeString(
            PrivateFiles.touch(log),
            "[updraft] resources are not enforced: " + e.getMessage() + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException | UncheckedIOException ignored) {
        // the process's own output will tell its story
      }
      return Cgroup.NONE.wrap(command);
    }
  }

  /** The cgroup of {@code id} with {@code resources}; {@link Cgroup#NONE} when there is none. */
  Cgroup group(String id, Service.Resources resources) {
    if (resources == null || resources.equals(Service.Resources.NONE)) {
      return Cgroup.NONE;
    }
    return switch (layout) {
      case Unavailable _ -> Cgroup.NONE;
      case V1 _, V2 _ -> new Cgroup(layout, environment, id, resources);
    };
  }

  /**
   * Removes the cgroups of this environment that are not in {@code keep} and hold no process: what
   * instances stopped while no supervisor was there to clean up left behind.
   */
  void removeLeftovers(Set<String> keep) {
    List<Path> bases =
        switch (layout) {
          case Unavailable _ -> List.of();
          case V2 v2 -> List.of(v2.base());
          case V1 v1 ->
              Stream.of(v1.memory(), v1.cpu(), v1.cpuacct()).filter(Objects::nonNull).toList();
        };
    for (Path base : bases) {
      Path dir = base.resolve(environment);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> children = Files.list(dir)) {
        for (Path child : children.filter(Files::isDirectory).toList()) {
          if (!keep.contains(child.getFileName().toString())) {
            Cgroup.rmdir(child);
          }
        }
      } catch (IOException e) {
        continue; // unreadable: nothing we could see to clean up
      }
      Cgroup.prune(dir);
    }
  }
}
