package dev.updraft.deploy.local;

import dev.updraft.deploy.spec.MemorySize;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup of one instance or cron job: made with its limits before each start, entered by the
 * process before it runs any of the service's code, read for OOM kills when the process ends, and
 * removed with whatever still runs in it when the instance is stopped.
 */
final class Cgroup {
  /** No limits: commands run as they are. */
  static final Cgroup NONE =
      new Cgroup(new Cgroups.Unavailable("no limits"), "", "", Service.Resources.NONE);

  /** CFS period: a quota of {@code cpu * PERIOD} per period is {@code cpu} cores. */
  static final long PERIOD_US = 100_000;

  // Takes a private umask (what the process writes in the state directory is its owner's only),
  // writes its own pid into each cgroup.procs named before "--", then becomes the command: exec
  // keeps the pid, so the service's first instruction runs inside already, and all it starts.
  private static final String ENTER =
      "umask 077; while [ \"$1\" != -- ]; do echo $$ > \"$1\" || { echo \"[updraft] could not"
          + " enter the cgroup ${1%/*}\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";

  private final Cgroups.Layout layout;
  private final String memory;
  private final Long bytes;
  private final Long quota;
  private final List<Path> dirs = new ArrayList<>();
  // Where the limits are written: the one directory on v2, a hierarchy's each on v1.
  private Path memoryDir;
  private Path cpuDir;

  Cgroup(Cgroups.Layout layout, String environment, String id, Service.Resources resources) {
    this.layout = layout;
    this.memory = resources.memory();
    this.bytes = memory == null ? null : MemorySize.parse(memory).bytes();
    this.quota =
        resources.cpu() == null ? null : Math.max(1000, Math.round(resources.cpu() * PERIOD_US));
    switch (layout) {
      case Cgroups.Unavailable _ -> {}
      case Cgroups.V2 v2 -> {
        memoryDir = v2.base().resolve(environment).resolve(id);
        cpuDir = memoryDir;
        dirs.add(memoryDir);
      }
      case Cgroups.V1 v1 -> {
        if (bytes != null) {
          memoryDir = v1.memory().resolve(environment).resolve(id);
          dirs.add(memoryDir);
        }
        if (quota != null) {
          cpuDir = v1.cpu().resolve(environment).resolve(id);
          dirs.add(cpuDir);
          if (v1.cpuacct() != null) {
            dirs.add(v1.cpuacct().resolve(environment).resolve(id));
          }
        }
      }
    }
  }

  /** The directories the process enters, one per hierarchy. */
  List<Path> dirs() {
    return List.copyOf(dirs);
  }

  /**
   * Makes the cgroup (again: it is idempotent) and writes its limits.
   *
   * @throws UncheckedIOException naming the file that could not be written
   */
  void create() {
    for (int attempt = 1; ; attempt++) {
      try {
        write();
        return;
      } catch (NoSuchFileException e) {
        // An empty parent was pruned between our mkdir and the next one: make it again.
        if (attempt == 3) {
          throw new UncheckedIOException("cannot make the cgroup " + e.getFile(), e);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }

  private void write() throws IOException {
    switch (layout) {
      case Cgroups.Unavailable _ -> {}
      case Cgroups.V2 v2 -> {
        // v2 hands a controller to a child only if the parent's subtree_control enables it.
        enable(v2.root());
        mkdir(v2.base());
        enable(v2.base());
        mkdir(memoryDir.getParent());
        enable(memoryDir.getParent());
        mkdir(memoryDir);
        if (bytes != null) {
          write(memoryDir.resolve("memory.max"), bytes);
          if (Files.exists(memoryDir.resolve("memory.swap.max"))) {
            write(memoryDir.resolve("memory.swap.max"), 0);
          }
        }
        if (quota != null) {
          write(cpuDir.resolve("cpu.max"), quota + " " + PERIOD_US);
        }
      }
      case Cgroups.V1 _ -> {
        for (Path dir : dirs) {
          mkdir(dir.getParent().getParent()); // updraft, in the cgroup updraft runs in
          mkdir(dir.getParent());
          mkdir(dir);
        }
        if (bytes != null) {
          write(memoryDir.resolve("memory.limit_in_bytes"), bytes);
          // memory+swap no higher than memory: the limit cannot be dodged by swapping.
          if (Files.exists(memoryDir.resolve("memory.memsw.limit_in_bytes"))) {
            write(memoryDir.resolve("memory.memsw.limit_in_bytes"), bytes);
          }
        }
        if (quota != null) {
          write(cpuDir.resolve("cpu.cfs_period_us"), PERIOD_US);
          write(cpuDir.resolve("cpu.cfs_quota_us"), quota);
        }
      }
    }
  }

  private static void enable(Path dir) throws IOException {
    Path control = dir.resolve("cgroup.subtree_control");
    List<String> enabled =
        Files.exists(control) ? List.of(Files.readString(control).trim().split("\\s+")) : List.of();
    if (!enabled.contains("memory") || !enabled.contains("cpu")) {
      write(control, "+memory +cpu");
    }
  }

  private static void mkdir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectory(dir);
      } catch (NoSuchFileException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException("cannot make the cgroup " + dir + ": " + reason(e), e);
      }
    }
  }

  private static void write(Path file, Object value) throws IOException {
    try {
      Files.writeString(
          file,
          value.toString(),
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException("cannot write " + value + " to " + file + ": " + reason(e), e);
    }
  }

  private static String reason(IOException e) {
    return switch (e) {
      case AccessDeniedException _ -> "permission denied";
      case FileAlreadyExistsException _ -> "a file is in the way";
      case FileSystemException f when f.getReason() != null -> f.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }

  /** {@code command} with a private umask, entering this cgroup first (none without limits). */
  List<String> wrap(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", ENTER, "updraft-cgroup"));
    dirs.forEach(dir -> wrapped.add(dir.resolve("cgroup.procs").toString()));
    wrapped.add("--");
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * How many times the kernel killed a process of this cgroup for memory (before Linux 4.13, v1
   * counts no kills: then how often usage hit the limit); 0 without a memory limit.
   */
  long oomKills() {
    return kills().or(() -> counter(memoryDir, "memory.failcnt", null)).orElse(0L);
  }

  private Optional<Long> kills() {
    return switch (layout) {
      case Cgroups.Unavailable _ -> Optional.empty();
      case Cgroups.V2 _ -> counter(memoryDir, "memory.events", "oom_kill");
      case Cgroups.V1 _ -> counter(memoryDir, "memory.oom_control", "oom_kill");
    };
  }

  private static Optional<Long> counter(Path dir, String file, String key) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(dir.resolve(file))) {
        String[] fields = line.trim().split("\\s+");
        if (key == null && fields.length == 1) {
          return Optional.of(Long.parseLong(fields[0]));
        }
        if (fields.length == 2 && fields[0].equals(key)) {
          return Optional.of(Long.parseLong(fields[1]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone or unreadable: no count
    }
    return Optional.empty();
  }

  /**
   * Why a run that began at {@code oomKills() == before} and ended with {@code exit} (null:
   * unknown) ended, if it was for memory: {@code killed: out of memory (limit 64Mi)}. A process the
   * kernel kills exits 137 (SIGKILL); a run whose child was killed may exit otherwise.
   */
  Optional<String> killedForMemory(Integer exit, long before) {
    boolean rose = oomKills() > before;
    // failcnt also counts limits hit that reclaim resolved: then only a SIGKILL tells of a kill.
    boolean killed = kills().isPresent() || exit == null || exit == 137;
    return rose && killed
        ? Optional.of("killed: out of memory (limit " + memory + ")")
        : Optional.empty();
  }

  /**
   * How a run that began at {@code oomKills() == before} ended: {@code exit 3}, {@code exit 137,
   * killed: out of memory (limit 64Mi)}, {@code exit ?} when the code is unknown (an adopted run).
   */
  String ended(Integer exit, long before) {
    return "exit "
        + (exit == null ? "?" : exit)
        + killedForMemory(exit, before).map(why -> ", " + why).orElse("");
  }

  /**
   * Removes the cgroup once its processes are gone, killing what the stop left (a child that left
   * the process tree still is in the cgroup), then the environment's directories if now empty.
   */
  void remove() {
    for (Path dir : dirs) {
      for (int attempt = 0; attempt < 40 && !rmdir(dir); attempt++) {
        kill(dir);
        try {
          Thread.sleep(50); // a killed process leaves its cgroup as it exits
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      prune(dir.getParent());
    }
  }

  private static void kill(Path dir) {
    try {
      for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone already
    }
  }

  /** rmdir: true when the directory is gone; a cgroup with processes or children stays. */
  static boolean rmdir(Path dir) {
    try {
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes an environment's directory and the updraft one above it, each if empty. */
  static void prune(Path environment) {
    if (rmdir(environment)) {
      rmdir(environment.getParent());
    }
  }
}
