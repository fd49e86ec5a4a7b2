package dev.updraft.vmm.jailer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The jailer's command line, with Firecracker's flags and meanings ({@code docs/jailer.md}).
 *
 * @param id {@code --id}: letters, digits and hyphens, 1 to 64 characters
 * @param execFile {@code --exec-file}: the program to jail
 * @param uid {@code --uid} the program runs as
 * @param gid {@code --gid} the program runs as
 * @param chrootBaseDir {@code --chroot-base-dir} (default {@code /srv/jailer})
 * @param netns {@code --netns}: a network namespace file to join, or null
 * @param daemonize {@code --daemonize}: new session, standard I/O to /dev/null
 * @param newPidNs {@code --new-pid-ns}: the program runs as PID 1 of a new PID namespace
 * @param cgroupVersion {@code --cgroup-version}: 1 or 2
 * @param cgroups {@code --cgroup FILE=VALUE}, in order
 * @param parentCgroup {@code --parent-cgroup}, relative, or null for the exec file's name
 * @param resourceLimits {@code --resource-limit}, in order
 * @param vmmArgs the arguments after {@code --}, passed to the program
 */
public record JailerOptions(
    String id,
    Path execFile,
    int uid,
    int gid,
    Path chrootBaseDir,
    Path netns,
    boolean daemonize,
    boolean newPidNs,
    int cgroupVersion,
    List<CgroupSetting> cgroups,
    String parentCgroup,
    List<ResourceLimit> resourceLimits,
    List<String> vmmArgs) {
  public static final Path DEFAULT_CHROOT_BASE = Path.of("/srv/jailer");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  public JailerOptions {
    if (id == null || !ID.matcher(id).matches()) {
      throw JailerException.of(
          "--id", id, "letters, digits and hyphens, 1 to 64 characters (Invalid instance ID)");
    }
    Objects.requireNonNull(execFile, "execFile");
    Objects.requireNonNull(chrootBaseDir, "chrootBaseDir");
    if (cgroupVersion != 1 && cgroupVersion != 2) {
      throw JailerException.of("--cgroup-version", cgroupVersion, "1 or 2");
    }
    if (parentCgroup != null
        && (parentCgroup.isEmpty()
            || parentCgroup.startsWith("/")
            || Path.of(parentCgroup).normalize().toString().startsWith("..")
            || List.of(parentCgroup.split("/")).stream()
                .anyMatch(part -> part.equals(".") || part.equals("..") || part.isEmpty()))) {
      throw JailerException.of(
          "--parent-cgroup", parentCgroup, "a relative path without '..' or '.' components");
    }
    cgroups = List.copyOf(cgroups);
    resourceLimits = List.copyOf(resourceLimits);
    vmmArgs = List.copyOf(vmmArgs);
  }

  /** The name of the exec file, which names the jail's directory and the cgroup. */
  public String execName() {
    return execFile.getFileName().toString();
  }

  /** {@code <chroot-base-dir>/<exec-name>/<id>/root}. */
  public Path chrootDir() {
    return chrootBaseDir.resolve(execName()).resolve(id).resolve("root");
  }

  /** The cgroup, relative to a hierarchy's root: {@code <parent-cgroup or exec-name>/<id>}. */
  public String cgroupPath() {
    return (parentCgroup == null ? execName() : parentCgroup) + "/" + id;
  }
}
