package dev.updraft.vmm.jailer;

import dev.updraft.sys.Confinement;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the jail and execs into it, in Firecracker's order: copy the program in, join the network
 * namespace, set resource limits, join the cgroup, then a private mount namespace, device nodes,
 * pivot_root, the pid file, no inherited descriptors, the uid and gid, exec.
 *
 * <p>Everything from the network namespace on happens on the calling thread, whose namespaces and
 * root the exec carries into the new program; the JVM's other threads never see the jail.
 */
final class Jail {
  private static final String OLD_ROOT = "old_root";
  // Firecracker's devices: major, minor.
  private static final int[] KVM = {10, 232};
  private static final int[] TUN = {10, 200};
  private static final int[] URANDOM = {1, 9};
  private static final int[] NULL = {1, 3};

  private final JailerOptions options;
  private final ExecTarget target;
  private final long startTimeUs;
  private final Path procMounts;
  private final boolean writePidFile;

  /**
   * @param writePidFile false in a new PID namespace, where the jailer outside wrote the host pid
   */
  Jail(
      JailerOptions options,
      ExecTarget target,
      long startTimeUs,
      Path procMounts,
      boolean writePidFile) {
    this.options = options;
    this.target = target;
    this.startTimeUs = startTimeUs;
    this.procMounts = procMounts;
    this.writePidFile = writePidFile;
  }

  /** Sets up the jail and execs; returns only by throwing. */
  void enter() {
    validateExecFile();
    Path root = options.chrootDir();
    createDirectories(root);
    owned(root);
    if (options.netns() != null) {
      try {
        Namespaces.enterNetwork(options.netns());
      } catch (ErrnoException e) {
        throw new JailerException("Failed to join network namespace: netns: " + e.getMessage());
      }
    }
    List<ResourceLimit> limits = new ArrayList<>(options.resourceLimits());
    if (limits.stream().noneMatch(l -> l.resource() == Confinement.Resource.NOFILE)) {
      limits.add(new ResourceLimit(Confinement.Resource.NOFILE, ResourceLimit.DEFAULT_NO_FILE));
    }
    for (ResourceLimit limit : limits) {
      Confinement.setLimit(limit.resource(), limit.value());
    }
    new Cgroups(procMounts).place(options, ProcessHandle.current().pid());

    Confinement.unshare(Confinement.CLONE_NEWNS);
    Confinement.makeMountsSlave();
    Confinement.bind(root, root, false);
    target.prepare(root, options);
    for (String dir : List.of("dev", "dev/net", "run", "tmp")) {
      createDirectories(root.resolve(dir));
      owned(root.resolve(dir));
    }
    device(root, "dev/kvm", KVM);
    device(root, "dev/net/tun", TUN);
    device(root, "dev/urandom", URANDOM);
    if (target instanceof ExecTarget.Jvm) {
      device(root, "dev/null", NULL);
    }
    createDirectories(root.resolve(OLD_ROOT));
    Confinement.pivotRoot(root, OLD_ROOT);
    try {
      Files.delete(Path.of("/", OLD_ROOT));
      if (writePidFile) {
        Files.writeString(
            Path.of("/", options.execName() + ".pid"),
            Long.toString(ProcessHandle.current().pid()));
      }
    } catch (IOException e) {
      throw new JailerException("Failed to finish the jail root: " + e.getMessage());
    }
    List<String> argv = target.argv(options, vmmArgs());
    Confinement.closeOnExecFrom3();
    Confinement.dropTo(options.uid(), options.gid());
    try {
      Confinement.exec(target.program(options), argv, target.environment());
    } catch (ErrnoException e) {
      throw new JailerException("Failed to exec into Firecracker: " + e.getMessage());
    }
  }

  // Firecracker's jailer passes these before the user's arguments.
  private List<String> vmmArgs() {
    List<String> args = new ArrayList<>();
    args.add("--id");
    args.add(options.id());
    args.add("--start-time-us");
    args.add(Long.toString(startTimeUs));
    ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .ifPresent(
            cpu -> {
              args.add("--start-time-cpu-us");
              args.add(Long.toString(cpu.toNanos() / 1000));
            });
    args.addAll(options.vmmArgs());
    return args;
  }

  private void validateExecFile() {
    Path file = options.execFile();
    try {
      file = file.toRealPath();
    } catch (IOException e) {
      throw new JailerException(
          "--exec-file: Failed to canonicalize path " + options.execFile() + ": " + e);
    }
    if (!Files.isRegularFile(file)) {
      throw JailerException.of("--exec-file", options.execFile(), "a file (it is not a file)");
    }
  }

  private void device(Path root, String path, int[] number) {
    Path node = root.resolve(path);
    try {
      Files.deleteIfExists(node);
      Confinement.makeCharDevice(node, 0600, number[0], number[1]);
    } catch (IOException | ErrnoException e) {
      throw new JailerException(
          "Failed to create /" + path + " via mknod inside the jail: " + e.getMessage());
    }
    owned(node);
  }

  private void owned(Path path) {
    try {
      Files.setAttribute(path, "unix:uid", options.uid());
      Files.setAttribute(path, "unix:gid", options.gid());
    } catch (IOException e) {
      throw new JailerException("Failed to change owner for " + path + ": " + e.getMessage());
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new JailerException("Failed to create directory " + dir + ": " + e.getMessage());
    }
  }
}
