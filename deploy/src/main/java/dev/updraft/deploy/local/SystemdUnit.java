package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes an environment survive a reboot: a systemd service unit that runs its {@link Watchdog}
 * at boot, with {@code Restart=always} as the outer ring of the same idea (systemd restarts the
 * watchdog, the watchdog the supervisor, the supervisor the instances). As root it is a system
 * unit; otherwise a user unit, which starts at boot once the user has lingering on.
 *
 * @param name the unit's name, {@code updraft-<environment>-<key>.service}; the key is a hash of
 *     the data directory, as for cgroups (two checkouts may hold environments of one name)
 * @param file where it is written
 * @param user whether it is a user unit ({@code systemctl --user})
 */
public record SystemdUnit(String name, Path file, boolean user) {
  /** The unit of the environment whose data directory is {@code dir}, for this user. */
  public static SystemdUnit of(Path dir) {
    boolean root = "root".equals(System.getProperty("user.name"));
    String name = "updraft-" + Cgroups.environment(dir) + ".service";
    Path units =
        root
            ? Path.of("/etc/systemd/system")
            : Path.of(System.getProperty("user.home"), ".config", "systemd", "user");
    return new SystemdUnit(name, units.resolve(name), !root);
  }

  /**
   * The unit's text. The watchdog is its main process: SIGTERM ({@code systemctl stop}, a shutdown)
   * halts the environment, which keeps its table for the next start; a {@code down} makes it exit
   * with {@link Watchdog#STOPPED}, which systemd then leaves stopped.
   */
  public String render(Path dir, Path workingDirectory) {
    List<String> command = Watchdog.javaCommand(dir);
    return String.join(
        "\n",
        "# Written by `updraft deploy install`; `updraft deploy uninstall` removes it.",
        "[Unit]",
        "Description=updraft environment " + dir.toAbsolutePath().getFileName() + " in " + dir,
        "After=network.target",
        "",
        "[Service]",
        "Type=exec",
        "ExecStart=" + String.join(" ", command.stream().map(SystemdUnit::quote).toList()),
        // A path setting is taken whole, spaces included; only specifiers need escaping.
        "WorkingDirectory=" + workingDirectory.toAbsolutePath().toString().replace("%", "%%"),
        "Restart=always",
        "RestartSec=1",
        "RestartPreventExitStatus=" + Watchdog.STOPPED,
        // SIGTERM to the watchdog alone, which halts the rest in order; SIGKILL for what is left.
        "KillMode=mixed",
        "TimeoutStopSec=60",
        "",
        "[Install]",
        "WantedBy=" + (user ? "default.target" : "multi-user.target"),
        "");
  }

  /** The command line of {@code ExecStart=} in a unit's text, unquoted. */
  public static List<String> execStart(String unit) {
    Matcher line = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
    if (!line.find()) {
      throw new IllegalArgumentException("no ExecStart= line in the unit");
    }
    List<String> words = new ArrayList<>();
    Matcher word = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)").matcher(line.group(1));
    while (word.find()) {
      String w = word.group(1) != null ? word.group(1).replaceAll("\\\\(.)", "$1") : word.group(2);
      words.add(w.replace("%%", "%").replace("$$", "$"));
    }
    return words;
  }

  /** A word as systemd reads it: specifiers and variables escaped, quoted when needed. */
  static String quote(String word) {
    String escaped = word.replace("%", "%%").replace("$", "$$");
    if (!escaped.isEmpty() && escaped.matches("[A-Za-z0-9_@%+=:,./$-]+")) {
      return escaped;
    }
    return "\"" + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** What {@code install} did, and what is left for the user to do. */
  public record Installed(SystemdUnit unit, boolean enabled, String hint) {}

  /** Writes the unit and enables it where systemd runs. */
  public Installed install(Path dir, Path workingDirectory) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, render(dir, workingDirectory));
    } catch (IOException e) {
      throw new DeployException(
          "INSTALL",
          "cannot write " + file + ": " + e.getMessage(),
          user ? "check that your home directory is writable" : "run it as root",
          null);
    }
    String enable = systemctl("enable", name);
    if (!systemdRuns()) {
      return new Installed(
          this, false, "systemd does not run here; on a machine where it does, run: " + enable);
    }
    if (run(systemctl("daemon-reload")) != 0 || run(systemctl("enable", name)) != 0) {
      return new Installed(this, false, "enabling it failed; run: " + enable);
    }
    String linger =
        user
            ? "; for it to start at boot before you log in, run: loginctl enable-linger "
                + System.getProperty("user.name")
            : "";
    return new Installed(this, true, "it starts the environment at boot" + linger);
  }

  /** Disables and removes the unit; the environment keeps running. False when none was there. */
  public boolean uninstall() {
    if (!Files.exists(file)) {
      return false;
    }
    if (systemdRuns()) {
      run(systemctl("disable", name));
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (systemdRuns()) {
      run(systemctl("daemon-reload"));
    }
    return true;
  }

  /**
   * Starts the environment through its unit if one is installed and systemd runs, so that the
   * watchdog is the unit's; returns whether it did.
   */
  static boolean startInstalled(Path dir) {
    SystemdUnit unit = of(dir);
    return Files.exists(unit.file) && systemdRuns() && run(unit.systemctl("start", unit.name)) == 0;
  }

  /** Where this unit file is, if installed. */
  public Optional<Path> installed() {
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  private String systemctl(String... args) {
    return "systemctl " + (user ? "--user " : "") + String.join(" ", args);
  }

  static boolean systemdRuns() {
    return Files.isDirectory(Path.of("/run/systemd/system"));
  }

  private static int run(String command) {
    try {
      Process process =
          new ProcessBuilder(command.split(" "))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
