package dev.updraft.vmm.testing;

import dev.updraft.sys.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the freestanding test guests in {@code src/test/guest} with gcc, on demand, into {@code
 * target/guests/<name>.elf} (PVH note) and {@code <name>-linux64.elf} (no note). A build is reused
 * while the SHA-256 of every guest source, the flags and the gcc version stay the same.
 *
 * <p>Tests that need a guest carry {@code @NeedsProgram(value = "gcc", debian = "gcc")} so that a
 * machine without gcc skips them with a reason instead of failing.
 */
public final class GuestImages {
  /** Every guest, one C file each in {@code src/test/guest}. */
  public static final List<String> GUESTS =
      List.of(
          "boot",
          "serial",
          "blk",
          "net",
          "rng",
          "pause",
          "ctrlaltdel",
          "reset",
          "boottimer",
          "mmio",
          "blkbench",
          "irq",
          "vsock",
          "mmds",
          "snap",
          "crash",
          "idle",
          "balloon",
          "freepage",
          "mem",
          "cpuid",
          "pmem");

  /** No libc, no PIC, no red zone (interrupts land on the guest's stack), no SSE state. */
  static final List<String> COMPILE_FLAGS =
      List.of(
          "-O2",
          "-std=gnu11",
          "-Wall",
          "-Wextra",
          "-Werror",
          "-ffreestanding",
          "-fno-builtin",
          "-fno-pic",
          "-fno-stack-protector",
          "-fno-asynchronous-unwind-tables",
          "-mno-red-zone",
          "-mgeneral-regs-only");

  static final List<String> LINK_FLAGS =
      List.of("-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none", "-Wl,-z,noexecstack");

  private static final String PVH_NOTE = "pvh_note";
  private static final long GCC_TIMEOUT_SECONDS = 120;

  private GuestImages() {}

  /** Whether gcc is on the PATH; the condition for tests that build guests. */
  static boolean gccAvailable() {
    return Host.hasCommand("gcc");
  }

  /**
   * The guest sources: {@code src/test/guest} of the vmm module, from it, the root or a sibling.
   */
  public static Path sourceDirectory() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    for (Path candidate :
        List.of(
            base.resolve("src/test/guest"),
            base.resolve("vmm/src/test/guest"),
            base.resolveSibling("vmm").resolve("src/test/guest"))) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new GuestBuildException(
        "guest sources: not found under " + base + " (expected: src/test/guest of module vmm)");
  }

  /** {@code pvh} variant of a guest, built if needed. */
  public static Path pvh(String name) {
    return build(name).pvh();
  }

  /** {@code linux64} variant of a guest, built if needed. */
  public static Path linux64(String name) {
    return build(name).linux64();
  }

  /**
   * A test-only third variant: its PVH note enters {@code shim/linux64_shim.S}, which turns the PVH
   * start info into a zero page and calls the Linux 64-bit entry, so QEMU exercises that path too.
   */
  static Path linux64Shim(String name) {
    build(name);
    return outputDirectory(sourceDirectory()).resolve(name + "-shim.elf");
  }

  /**
   * Builds both variants of a guest unless an up-to-date build exists.
   *
   * @throws GuestBuildException if gcc is missing or fails (its output is in the message)
   */
  public static synchronized GuestImage build(String name) {
    if (!GUESTS.contains(name)) {
      throw new IllegalArgumentException("guest: " + name + " (expected: one of " + GUESTS + ")");
    }
    if (!gccAvailable()) {
      throw new GuestBuildException(
          "gcc: not on the PATH (expected: gcc to build the test guests)");
    }
    Path sources = sourceDirectory();
    Path out = outputDirectory(sources);
    String hash = sourceHash(sources);
    Path pvh = out.resolve(name + ".elf");
    Path linux64 = out.resolve(name + "-linux64.elf");
    Path shim = out.resolve(name + "-shim.elf");
    Path stamp = out.resolve(name + ".sha256");
    if (hash.equals(read(stamp).orElse(""))
        && Files.isRegularFile(pvh)
        && Files.isRegularFile(linux64)
        && Files.isRegularFile(shim)) {
      return new GuestImage(name, pvh, linux64);
    }
    Path objects = compileAll(sources, out, hash);
    List<Path> common = new ArrayList<>();
    try (Stream<Path> files = Files.list(objects)) {
      files
          .filter(p -> p.getFileName().toString().endsWith(".o"))
          .filter(p -> isRuntime(sources, p))
          .sorted()
          .forEach(common::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    common.add(objects.resolve(name + ".o"));
    link(sources, out, with(common, objects.resolve(PVH_NOTE + ".o")), pvh);
    link(sources, out, common, linux64);
    link(
        sources,
        out,
        with(common, objects.resolve("linux64_shim.o"), objects.resolve("zero_page.o")),
        shim);
    write(stamp, hash);
    return new GuestImage(name, pvh, linux64);
  }

  private static Path outputDirectory(Path sources) {
    return sources.resolve("../../../target/guests").normalize();
  }

  private static List<Path> with(List<Path> objects, Path... more) {
    List<Path> all = new ArrayList<>(objects);
    all.addAll(List.of(more));
    return all;
  }

  /** Objects of runtime/ sources, except the PVH note that only one variant links. */
  private static boolean isRuntime(Path sources, Path object) {
    String base = object.getFileName().toString().replaceFirst("\\.o$", "");
    Path runtime = sources.resolve("runtime");
    return !base.equals(PVH_NOTE)
        && (Files.isRegularFile(runtime.resolve(base + ".c"))
            || Files.isRegularFile(runtime.resolve(base + ".S")));
  }

  /**
   * One gcc run compiles the runtime, the shim and every guest into target/guests/obj, once per
   * hash (object files are named after their sources, so source names must be unique).
   */
  private static Path compileAll(Path sources, Path out, String hash) {
    Path objects = out.resolve("obj");
    Path stamp = objects.resolve("sources.sha256");
    if (hash.equals(read(stamp).orElse(""))) {
      return objects;
    }
    List<String> command = new ArrayList<>(List.of("gcc", "-c"));
    command.addAll(COMPILE_FLAGS);
    command.add("-I" + sources.resolve("runtime"));
    for (Path source : sourceFiles(sources)) {
      String file = source.getFileName().toString();
      if (file.endsWith(".c") || file.endsWith(".S")) {
        command.add(source.toString());
      }
    }
    try {
      deleteTree(objects);
      Files.createDirectories(objects);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gcc(command, objects);
    write(stamp, hash);
    return objects;
  }

  private static void link(Path sources, Path out, List<Path> objects, Path target) {
    Path temporary = out.resolve(target.getFileName() + ".tmp");
    List<String> command = new ArrayList<>(List.of("gcc"));
    command.addAll(LINK_FLAGS);
    command.addAll(
        List.of("-T", sources.resolve("guest.ld").toString(), "-o", temporary.toString()));
    objects.forEach(p -> command.add(p.toString()));
    gcc(command, out);
    try {
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void gcc(List<String> command, Path directory) {
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(GCC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new GuestBuildException("gcc: no result within " + GCC_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new GuestBuildException(
            "gcc exited with "
                + process.exitValue()
                + ": "
                + String.join(" ", command)
                + "\n"
                + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new GuestBuildException("gcc: cannot run (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestBuildException("gcc: interrupted", e);
    }
  }

  /** Sources, flags and compiler version: whatever changes the ELF files changes the hash. */
  static String sourceHash(Path sources) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path source : sourceFiles(sources)) {
        digest.update(sources.relativize(source).toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(source));
        digest.update((byte) 0);
      }
      digest.update(String.join(" ", COMPILE_FLAGS).getBytes(StandardCharsets.UTF_8));
      digest.update(String.join(" ", LINK_FLAGS).getBytes(StandardCharsets.UTF_8));
      digest.update(gccVersion().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256: missing from this JDK", e);
    }
  }

  private static String gccVersion() {
    try {
      Process process =
          new ProcessBuilder("gcc", "-dumpfullversion").redirectErrorStream(true).start();
      String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(GCC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return version.trim();
    } catch (IOException e) {
      throw new GuestBuildException("gcc: cannot run (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuestBuildException("gcc: interrupted", e);
    }
  }

  private static List<Path> sourceFiles(Path sources) {
    try (Stream<Path> files = Files.walk(sources)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file).trim())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
