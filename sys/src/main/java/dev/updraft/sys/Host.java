package dev.updraft.sys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about the host that decide what updraft (and its tests) can do here. */
public final class Host {
  private Host() {}

  /** Whether the process runs with effective uid 0. */
  public static boolean isRoot() {
    try {
      return (int) Libc.Process.GETEUID.invokeExact() == 0;
    } catch (Throwable t) {
      throw Native.linkFailure("geteuid", t);
    }
  }

  /** Whether {@code /dev/kvm} exists and this process may open it read-write. */
  public static boolean kvmAvailable() {
    Path kvm = Path.of("/dev/kvm");
    return Files.isReadable(kvm) && Files.isWritable(kvm);
  }

  /**
   * The KVM backend module this kernel runs: {@code kvm_intel}, {@code kvm_amd}, {@code kvm_pvm}
   * (page-table virtualisation for nested guests, which emulates guest CPL 0), or empty.
   */
  public static Optional<String> kvmBackend() {
    for (String module : new String[] {"kvm_intel", "kvm_amd", "kvm_pvm"}) {
      if (Files.isDirectory(Path.of("/sys/module", module))) {
        return Optional.of(module);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether KVM here is kvm_pvm, which runs guest CPL 0 in its instruction emulator: small guests
   * work, a Linux kernel stops at the first instruction the emulator lacks (XRSTOR and others).
   */
  public static boolean onKvmPvm() {
    return kvmBackend().filter("kvm_pvm"::equals).isPresent();
  }

  /** Whether TAP devices can be created: {@code /dev/net/tun} is there and we are root. */
  public static boolean tapAvailable() {
    Path tun = Path.of("/dev/net/tun");
    return isRoot() && Files.isReadable(tun) && Files.isWritable(tun);
  }

  /**
   * Whether this process may create a userfaultfd that also sees faults taken in the kernel (KVM's
   * accesses to guest memory): as root, or where {@code vm.unprivileged_userfaultfd} is 1.
   */
  public static boolean userfaultfdAvailable() {
    if (isRoot()) {
      return true;
    }
    try {
      return Files.readString(Path.of("/proc/sys/vm/unprivileged_userfaultfd")).trim().equals("1");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Whether a command is on the PATH, e.g. {@code nft} or {@code ip}. */
  public static boolean hasCommand(String name) {
    return which(name).isPresent();
  }

  /** Where a command is, the first on the PATH (as a shell would run it). */
  public static Optional<Path> which(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }
}
