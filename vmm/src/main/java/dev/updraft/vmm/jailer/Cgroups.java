package dev.updraft.vmm.jailer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts the jailer's process (and so the program it execs) into its cgroup, as Firecracker's jailer
 * does: {@code <hierarchy>/<parent-cgroup or exec-name>/<id>}, the {@code --cgroup} files written
 * first. Version 2 enables each controller in the {@code cgroup.subtree_control} of every ancestor;
 * version 1 uses each controller's own hierarchy. Hierarchies are found in {@code /proc/mounts}.
 */
final class Cgroups {
  private final Path procMounts;

  Cgroups(Path procMounts) {
    this.procMounts = procMounts;
  }

  /** Places process {@code pid}; returns the cgroup directories it was written into. */
  List<Path> place(JailerOptions options, long pid) {
    if (options.cgroups().isEmpty() && options.parentCgroup() == null) {
      return List.of();
    }
    return options.cgroupVersion() == 2 ? placeV2(options, pid) : placeV1(options, pid);
  }

  private List<Path> placeV2(JailerOptions options, long pid) {
    Path root = mount("cgroup2", null);
    if (options.cgroups().isEmpty()) {
      // Only --parent-cgroup: the process joins that (existing) cgroup itself.
      Path parent = root.resolve(options.parentCgroup());
      write(parent.resolve("cgroup.procs"), Long.toString(pid));
      return List.of(parent);
    }
    Path dir = root.resolve(options.cgroupPath());
    Set<String> controllers = new LinkedHashSet<>();
    for (CgroupSetting setting : options.cgroups()) {
      if (!setting.controller().equals("cgroup")) {
        controllers.add(setting.controller());
      }
    }
    String available = read(root.resolve("cgroup.controllers"));
    for (String controller : controllers) {
      if (!List.of(available.split("\\s+")).contains(controller)) {
        throw new JailerException(
            "--cgroup: Controller "
                + controller
                + " is unavailable in the cgroup v2 hierarchy at "
                + root
                + " (available: "
                + (available.isBlank() ? "none" : available)
                + ")");
      }
    }
    createDirectories(dir);
    // Every cgroup from the root down to the jail's parent hands the controllers down.
    List<Path> ancestors = new ArrayList<>();
    for (Path p = dir.getParent(); p.startsWith(root); p = p.getParent()) {
      ancestors.addFirst(p);
      if (p.equals(root)) {
        break;
      }
    }
    for (Path ancestor : ancestors) {
      for (String controller : controllers) {
        write(ancestor.resolve("cgroup.subtree_control"), "+" + controller);
      }
    }
    for (CgroupSetting setting : options.cgroups()) {
      write(dir.resolve(setting.file()), setting.value());
    }
    write(dir.resolve("cgroup.procs"), Long.toString(pid));
    return List.of(dir);
  }

  private List<Path> placeV1(JailerOptions options, long pid) {
    if (options.cgroups().isEmpty()) {
      throw new JailerException(
          "--parent-cgroup: with --cgroup-version 1 it needs at least one --cgroup setting");
    }
    List<Path> dirs = new ArrayList<>();
    for (CgroupSetting setting : options.cgroups()) {
      Path dir = mount("cgroup", setting.controller()).resolve(options.cgroupPath());
      createDirectories(dir);
      write(dir.resolve(setting.file()), setting.value());
      if (!dirs.contains(dir)) {
        dirs.add(dir);
      }
    }
    for (Path dir : dirs) {
      write(dir.resolve("cgroup.procs"), Long.toString(pid));
    }
    return dirs;
  }

  /** The mount point of a cgroup2 hierarchy, or of the v1 hierarchy holding {@code controller}. */
  private Path mount(String type, String controller) {
    for (String line : read(procMounts).split("\n")) {
      String[] fields = line.split(" ");
      if (fields.length < 4 || !fields[2].equals(type)) {
        continue;
      }
      if (controller == null || List.of(fields[3].split(",")).contains(controller)) {
        return Path.of(fields[1]);
      }
    }
    throw new JailerException(
        controller == null
            ? "--cgroup-version 2: Hierarchy not found: no cgroup2 file system in " + procMounts
            : "--cgroup: Controller "
                + controller
                + " is unavailable: no cgroup v1 hierarchy for it in "
                + procMounts);
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new JailerException("Failed to create directory " + dir + ": " + e.getMessage());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new JailerException("Failed to read file " + file + ": " + e.getMessage());
    }
  }

  private static void write(Path file, String value) {
    try {
      Files.writeString(file, value + "\n");
    } catch (IOException e) {
      throw new JailerException("Failed to write to " + file + ": " + e.getMessage());
    }
  }
}
