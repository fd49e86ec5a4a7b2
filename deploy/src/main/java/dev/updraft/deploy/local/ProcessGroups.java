package dev.updraft.deploy.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Process groups of the processes the supervisor starts. Each starts in a session (and so a group)
 * of its own, through {@code setsid}, which execs without forking since a child of the JVM leads no
 * group: its pid is the group's id. A shell that forks its command instead of exec'ing it, or a
 * command that starts children and leaves them behind, leaves processes a stop of the pid alone
 * would miss, even once they are reparented; the group still names them.
 */
final class ProcessGroups {
  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  private ProcessGroups() {}

  /** {@code command} in a new session, when this machine has {@code setsid}. */
  static List<String> newSession(List<String> command) {
    Optional<Path> setsid = SETSID.stream().filter(Files::isExecutable).findFirst();
    if (setsid.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    wrapped.add(setsid.get().toString());
    wrapped.addAll(command);
    return wrapped;
  }

  /** Whether {@code pid} leads its process group (a process started by {@link #newSession}). */
  static boolean leads(long pid) {
    return stat(Path.of("/proc", Long.toString(pid))).map(s -> s.group() == pid).orElse(false);
  }

  /** The processes of group {@code pgid} now, its leader included if it still runs. */
  static List<ProcessHandle> members(long pgid) {
    List<ProcessHandle> members = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        stat(proc)
            .filter(s -> s.group() == pgid)
            .flatMap(s -> ProcessHandle.of(s.pid()))
            .ifPresent(members::add);
      }
    } catch (IOException e) {
      // no /proc: the stop falls back to the process tree
    }
    return members;
  }

  /**
   * What the process {@code pgid} left of its group once it has ended: what its shell forked, now
   * reparented, e.g. the server still holding the instance's port. Empty while a live process has
   * that pid: the kernel gives no new process a pid that is still some group's id, so once the
   * leader is gone, the members of its group are its own.
   */
  static List<ProcessHandle> leftBehind(long pgid) {
    Optional<ProcessHandle> leader = ProcessHandle.of(pgid);
    if (pgid <= 0 || leader.isPresent() && leader.get().isAlive() && !ManagedProcess.zombie(pgid)) {
      return List.of();
    }
    return members(pgid).stream().filter(h -> h.pid() != pgid).toList();
  }

  private record Stat(long pid, long group) {}

  /** Fields 1 and 5 of {@code /proc/PID/stat}; the command name in field 2 may hold anything. */
  private static Optional<Stat> stat(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
      return Optional.of(new Stat(pid, Long.parseLong(after[2])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone meanwhile
    }
  }
}
