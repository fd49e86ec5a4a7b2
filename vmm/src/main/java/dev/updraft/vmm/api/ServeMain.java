package dev.updraft.vmm.api;

import dev.updraft.sys.Host;
import dev.updraft.vmm.core.KvmReaper;
import dev.updraft.vmm.core.SpareVms;
import dev.updraft.vmm.seccomp.SeccompException;
import dev.updraft.vmm.seccomp.SeccompFilters;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code updraft vm serve --socket-dir DIR}: one process hosting many microVMs. The management API
 * listens on {@code DIR/management.socket}; each VM it creates has a Firecracker API socket {@code
 * DIR/<id>.sock}. Runs until SIGTERM, then stops every VM and removes the sockets.
 */
public final class ServeMain {
  /** The management socket's name; a VM's id cannot contain the dot, so no VM socket collides. */
  static final String MANAGEMENT_SOCKET = "management.socket";

  static final String USAGE =
      """
      Usage: updraft vm serve --socket-dir DIR [--no-seccomp | --seccomp-filter FILE]
      Hosts many microVMs in one process. The management API (DIR/management.socket) creates
      them: POST /vms {"id": "vm1"}; each VM is then driven through DIR/<id>.sock with
      Firecracker's API. See docs/vmm/serve.md.
      """;

  // What Firecracker's jailer puts before the user's arguments, each with a value.
  private static final Set<String> JAILER_FLAGS =
      Set.of("--id", "--start-time-us", "--start-time-cpu-us", "--parent-cpu-time-us");

  private ServeMain() {}

  /**
   * Where the word {@code serve} is in a launcher's arguments: first, or after the flags the jailer
   * passes; -1 when this is a single-VM invocation.
   */
  static int serveWord(String[] args) {
    int i = 0;
    while (i + 1 < args.length && JAILER_FLAGS.contains(args[i])) {
      i += 2;
    }
    return i < args.length && args[i].equals("serve") ? i : -1;
  }

  static String[] withoutWord(String[] args, int index) {
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 0, rest, 0, index);
    System.arraycopy(args, index + 1, rest, index, args.length - index - 1);
    return rest;
  }

  /** Runs until the process is ended; returns the exit code of a start-up failure. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir = null;
    boolean noSeccomp = false;
    Path filterFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> {
          out.print(USAGE);
          out.flush();
          return ExitCode.OK;
        }
        case "--no-seccomp" -> noSeccomp = true;
        case "--id", "--start-time-us", "--start-time-cpu-us", "--parent-cpu-time-us" -> {
          // From the jailer: serve's VMs have ids of their own, and its start time is not a VM's.
          if (i + 1 == args.length) {
            return usage(err, arg + ": missing value");
          }
          i++;
        }
        case "--socket-dir", "--seccomp-filter" -> {
          if (i + 1 == args.length) {
            return usage(err, arg + ": missing value (expected: a path)");
          }
          Path value = Path.of(args[++i]);
          if (arg.equals("--socket-dir")) {
            dir = value;
          } else {
            filterFile = value;
          }
        }
        default -> {
          return usage(
              err,
              "argument "
                  + Json.quote(arg)
                  + ": unknown (expected: --socket-dir DIR, --no-seccomp or --seccomp-filter FILE)");
        }
      }
    }
    if (dir == null) {
      return usage(err, "--socket-dir: missing (expected: a directory for the API sockets)");
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      return usage(
          err, "--socket-dir: " + dir + " (expected: an existing directory the VMM can write to)");
    }
    if (noSeccomp && filterFile != null) {
      return usage(err, "--no-seccomp and --seccomp-filter exclude each other");
    }
    SeccompFilters filters;
    try {
      filters =
          noSeccomp
              ? SeccompFilters.none()
              : filterFile == null
                  ? SeccompFilters.serveDefaults()
                  : SeccompFilters.fromFile(filterFile);
    } catch (SeccompException e) {
      return usage(err, e.getMessage());
    }
    return serve(dir.toAbsolutePath(), filters, out, err);
  }

  private static int serve(Path dir, SeccompFilters filters, PrintStream out, PrintStream err) {
    VmHost host = new VmHost(dir, filters, VmmOptions.DEFAULT_MAX_PAYLOAD, out);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            Thread.ofPlatform().name("serve_manage").daemon().factory(),
            NioIoHandler.newFactory());
    ApiServer server;
    try {
      server =
          ApiServer.start(
              dir.resolve(MANAGEMENT_SOCKET),
              VmmOptions.DEFAULT_MAX_PAYLOAD,
              new ManagementApi(host),
              group);
    } catch (ApiServerException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      err.println("Error: " + e.getMessage());
      err.flush();
      return ExitCode.GENERIC_ERROR;
    }
    // Every thread the VMs need later is started by threads that exist now, so the process-wide
    // filter goes on at once: creating the first VM runs under it, exactly as the fiftieth does.
    warmUp();
    filters.installProcessWide();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  host.close();
                  stopped.complete(null);
                },
                "serve_shutdown"));
    out.println("updraft vm serve: management API on " + dir.resolve(MANAGEMENT_SOCKET));
    out.flush();
    stopped.join();
    return ExitCode.OK;
  }

  /**
   * Every VM's build seeds a {@link SecureRandom}. In a jail without {@code /dev/random} the JDK
   * falls back to a seed generator whose first use reads the network interfaces through an {@code
   * AF_INET} socket, which the {@code vmm} filter refuses (SIGSYS on the first InstanceStart under
   * the jailer). Seeded here, before filtering; later instances reuse what it learned.
   */
  private static void warmUp() {
    new SecureRandom().nextLong();
    if (Host.kvmAvailable()) {
      // A KVM VM made ahead for the next create or restore, and a thread that frees deleted
      // VMs in the kernel off the DELETE's path; both threads start before the filter.
      SpareVms.keepOne();
      KvmReaper.start();
    }
  }

  private static int usage(PrintStream err, String message) {
    err.println("Error: " + message);
    err.println();
    err.print(USAGE);
    err.flush();
    return ExitCode.ARG_PARSING;
  }
}
