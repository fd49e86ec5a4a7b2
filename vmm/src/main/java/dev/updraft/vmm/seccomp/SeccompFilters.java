package dev.updraft.vmm.seccomp;

import dev.updraft.sys.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The compiled filters of one VMM process and their installation, the way Firecracker installs its
 * three: {@link #installProcessWide} puts the {@code vmm} filter on every thread at once (TSYNC),
 * because a JVM has started its own threads (GC, JIT compilers, signal dispatcher, Netty) long
 * before the VMM could filter them one by one; then {@link #installOnCurrentThread} stacks the
 * stricter {@code api} and {@code vcpu} filters on those threads, so a system call there must pass
 * both.
 */
public final class SeccompFilters {
  private static final String DEFAULTS = "default-filters.json";
  private static final SeccompFilters NONE = new SeccompFilters(null);

  // Null: no filtering. Compiled on first use for the defaults: Jackson's data binding costs tens
  // of milliseconds at start-up that the API socket should not wait for.
  private final Supplier<Map<ThreadKind, byte[]>> source;
  private Map<ThreadKind, byte[]> programs;
  private boolean processWide;

  private SeccompFilters(Supplier<Map<ThreadKind, byte[]>> source) {
    this.source = source;
  }

  /** {@code --no-seccomp}: nothing is filtered. */
  public static SeccompFilters none() {
    return NONE;
  }

  /** updraft's allowlists, measured from the test guests' runs (docs/vmm/security.md). */
  public static SeccompFilters defaults() {
    return new SeccompFilters(() -> compile(defaultSet()));
  }

  /**
   * The defaults for {@code updraft vm serve}, where VMs are created while others run, so after the
   * process-wide filter is on: the {@code vmm} filter also allows what building a VM needs that a
   * single-VM process does before filtering (docs/vmm/security.md, "serve").
   */
  public static SeccompFilters serveDefaults() {
    return new SeccompFilters(() -> compile(ServeSyscalls.extend(defaultSet())));
  }

  /** The default filter document, parsed. */
  public static FilterSet defaultSet() {
    try (InputStream in = SeccompFilters.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " missing from the class path");
      }
      return FilterJson.parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + DEFAULTS, e);
    }
  }

  /** {@code --seccomp-filter FILE}: a Firecracker filter document. */
  public static SeccompFilters fromFile(Path file) {
    byte[] document;
    try {
      document = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SeccompException("--seccomp-filter: " + file + ": cannot be read (" + e + ")");
    }
    try {
      return of(FilterJson.parse(document));
    } catch (SeccompException e) {
      throw new SeccompException("--seccomp-filter " + file + ": " + e.getMessage());
    }
  }

  public static SeccompFilters of(FilterSet set) {
    Map<ThreadKind, byte[]> programs = compile(set);
    return new SeccompFilters(() -> programs);
  }

  private static Map<ThreadKind, byte[]> compile(FilterSet set) {
    Map<ThreadKind, byte[]> programs = new EnumMap<>(ThreadKind.class);
    for (ThreadKind kind : ThreadKind.values()) {
      programs.put(kind, BpfCompiler.compile(set.filter(kind)));
    }
    return programs;
  }

  public boolean enabled() {
    return source != null;
  }

  /** Compiles the filters now (a spare thread can, before the VM starts). */
  public synchronized void prepare() {
    if (source != null && programs == null) {
      programs = source.get();
    }
  }

  /**
   * Installs the {@code vmm} filter on every thread of the process (once), and the SIGSYS handler
   * that logs a trapped call and ends the process with exit code 148.
   */
  public synchronized void installProcessWide() {
    if (source == null || processWide) {
      return;
    }
    prepare();
    Seccomp.reportViolations(
        number ->
            "Shutting down VM after intercepting a bad syscall ("
                + number
                + ": "
                + SyscallTable.name(number)
                + ") on thread "
                + Thread.currentThread().getName());
    Seccomp.install(programs.get(ThreadKind.VMM), true);
    processWide = true;
  }

  /** Stacks the {@code api} or {@code vcpu} filter on the calling thread. */
  public void installOnCurrentThread(ThreadKind kind) {
    if (source == null || kind == ThreadKind.VMM) {
      return;
    }
    byte[] program;
    synchronized (this) {
      prepare();
      program = programs.get(kind);
    }
    Seccomp.install(program, false);
  }
}
