package dev.updraft.vmm.jailer;

import dev.updraft.sys.Confinement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the jailer execs and what the jail must hold for it to start. Firecracker's jailer copies
 * one static binary into the jail; a JVM needs more, so a {@code .jar} exec file is {@link Jvm}.
 */
sealed interface ExecTarget permits ExecTarget.Binary, ExecTarget.Jvm {
  /** Fills the jail (on the host side of {@code root}, inside the jailer's mount namespace). */
  void prepare(Path root, JailerOptions options);

  /** The program's path inside the jail. */
  Path program(JailerOptions options);

  /** argv, starting with argv[0]. */
  List<String> argv(JailerOptions options, List<String> jailerArgs);

  /** The environment: nothing of the jailer's own. */
  List<String> environment();

  static ExecTarget of(Path execFile) {
    return execFile.getFileName().toString().endsWith(".jar")
        ? new Jvm(Path.of(System.getProperty("java.home")))
        : new Binary();
  }

  /** Firecracker's way: the binary is copied into the jail's root (no pages shared with others). */
  record Binary() implements ExecTarget {
    @Override
    public void prepare(Path root, JailerOptions options) {
      copyIn(options, root);
    }

    @Override
    public Path program(JailerOptions options) {
      return Path.of("/", options.execName());
    }

    @Override
    public List<String> argv(JailerOptions options, List<String> jailerArgs) {
      List<String> argv = new ArrayList<>();
      argv.add(program(options).toString());
      argv.addAll(jailerArgs);
      return argv;
    }

    @Override
    public List<String> environment() {
      return List.of();
    }
  }

  /**
   * updraft's VMM on a JVM. The jar is copied in like Firecracker's binary; what the JVM needs to
   * start is bind-mounted read-only from the host at the same paths: the JDK that runs the jailer,
   * the jar's {@code lib/} directory (its Class-Path) at {@code /lib}, the dynamic loader and the
   * five glibc libraries the launcher and libjvm link. Read-only binds share the host's page cache
   * (the JDK's 300 MB are not copied per VM) and nothing in them is writable from the jail.
   */
  record Jvm(Path javaHome) implements ExecTarget {
    // The launcher and libjvm's DT_NEEDED entries (ldd java, libjvm.so) besides the JDK's own.
    private static final List<String> GLIBC =
        List.of("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1");
    private static final Path LOADER = Path.of("/lib64/ld-linux-x86-64.so.2");
    private static final Path MULTIARCH = Path.of("/usr/lib/x86_64-linux-gnu");
    // dist/bin/firecracker's options: a small heap and C1 keep a VMM's memory near 40 MiB.
    private static final List<String> JVM_OPTIONS =
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC",
            "-Xms4m",
            "-Xmn2m",
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-Djava.io.tmpdir=/tmp",
            "-Dio.netty.noUnsafe=false",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dio.netty.allocator.type=unpooled");

    @Override
    public void prepare(Path root, JailerOptions options) {
      copyIn(options, root);
      bind(javaHome, root, javaHome);
      Path lib = options.execFile().toAbsolutePath().getParent().resolve("lib");
      if (Files.isDirectory(lib)) {
        bind(lib, root, Path.of("/lib"));
      }
      bind(real(LOADER), root, LOADER);
      for (String name : GLIBC) {
        bind(real(MULTIARCH.resolve(name)), root, MULTIARCH.resolve(name));
      }
    }

    @Override
    public Path program(JailerOptions options) {
      return javaHome.resolve("bin/java");
    }

    @Override
    public List<String> argv(JailerOptions options, List<String> jailerArgs) {
      List<String> argv = new ArrayList<>();
      argv.add(program(options).toString());
      argv.addAll(JVM_OPTIONS);
      argv.add("-cp");
      argv.add("/" + options.execName());
      argv.add("dev.updraft.vmm.api.VmmMain");
      argv.addAll(jailerArgs);
      return argv;
    }

    @Override
    public List<String> environment() {
      // No /proc in the jail, so the launcher cannot find libjli.so through $ORIGIN.
      return List.of(
          "LD_LIBRARY_PATH=" + javaHome.resolve("lib") + ":" + javaHome.resolve("lib/server"));
    }
  }

  private static void copyIn(JailerOptions options, Path root) {
    Path target = root.resolve(options.execName());
    try {
      Files.copy(
          options.execFile(),
          target,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
      Files.setAttribute(target, "unix:uid", options.uid());
      Files.setAttribute(target, "unix:gid", options.gid());
    } catch (IOException e) {
      throw new JailerException(
          "Failed to copy " + options.execFile() + " to " + target + ": " + e.getMessage());
    }
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new JailerException("Failed to canonicalize path " + path + ": " + e.getMessage());
    }
  }

  /** Bind-mounts {@code source} read-only at {@code inJail} under {@code root}. */
  private static void bind(Path source, Path root, Path inJail) {
    Path target = root.resolve(Path.of("/").relativize(inJail));
    try {
      Files.createDirectories(target.getParent());
      if (Files.isDirectory(source)) {
        Files.createDirectories(target);
      } else if (!Files.exists(target)) {
        Files.createFile(target);
      }
    } catch (IOException e) {
      throw new JailerException("Failed to create " + target + ": " + e.getMessage());
    }
    Confinement.bind(source, target, true);
  }
}
