package dev.updraft.vmm.api;

import dev.updraft.sys.NativeCalls;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.mmds.MmdsException;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.seccomp.SeccompException;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.MetricsWriter;
import dev.updraft.vmm.telemetry.StreamSink;
import dev.updraft.vmm.telemetry.VmmMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One VMM process, as Firecracker's {@code main}: sets up the logger and metrics from the flags,
 * opens the API socket (unless {@code --no-api}), applies a {@code --config-file} and boots at once
 * if there is one, then serves until the guest ends and returns the process exit code. The API
 * socket is removed at exit, also when the process is ended by a signal.
 */
public final class VmmRunner {
  private final VmmOptions options;
  private final Hypervisor hypervisor;
  private final PrintStream err;
  private final VmmMetrics metrics = new VmmMetrics();
  private final Logger logger;
  private final MetricsWriter metricsWriter;

  private VmmRunner(VmmOptions options, Hypervisor hypervisor, PrintStream out, PrintStream err) {
    this.options = Objects.requireNonNull(options, "options");
    this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
    this.err = Objects.requireNonNull(err, "err");
    this.logger = new Logger(options.id(), new StreamSink(out), metrics.logger());
    this.metricsWriter = new MetricsWriter(metrics, options.id());
  }

  /**
   * Runs the VMM until the guest ends.
   *
   * @param out the VMM's standard output: log lines until a log path is set
   * @param err where start-up failures are reported
   * @return the exit code: the guest's, or one of {@link ExitCode}'s for a failure
   */
  public static int run(
      VmmOptions options, Hypervisor hypervisor, PrintStream out, PrintStream err) {
    return new VmmRunner(options, hypervisor, out, err).run();
  }

  private int run() {
    warmUp();
    try {
      logger.apply(options.logger());
    } catch (ConfigException e) {
      return fail(ExitCode.GENERIC_ERROR, "Could not initialize logger: " + e.getMessage());
    }
    if (options.metricsPath() != null) {
      try {
        metricsWriter.configure(MetricsConfig.of(options.metricsPath()));
      } catch (ConfigException e) {
        return fail(ExitCode.GENERIC_ERROR, "Could not initialize metrics: " + e.getMessage());
      }
    }
    List<ConfigFile.Step> steps;
    try {
      steps =
          options.configFile() == null
              ? List.of()
              : ConfigFile.steps(Files.readAllBytes(options.configFile()));
    } catch (IOException e) {
      return fail(
          ExitCode.BAD_CONFIGURATION,
          "Unable to read the configuration file " + options.configFile() + ": " + e);
    } catch (JsonFieldException | ConfigException | ApiException e) {
      return fail(
          ExitCode.BAD_CONFIGURATION,
          "Configuration file " + options.configFile() + ": " + e.getMessage());
    }
    SeccompFilters filters;
    try {
      filters =
          options.noSeccomp()
              ? SeccompFilters.none()
              : options.seccompFilter() == null
                  ? SeccompFilters.defaults()
                  : SeccompFilters.fromFile(options.seccompFilter());
    } catch (SeccompException e) {
      return fail(ExitCode.BAD_CONFIGURATION, e.getMessage());
    }
    // The thread that starts the VM is the API's, unless there is no API.
    hypervisor.confine(filters, options.noApi() ? ThreadKind.VMM : ThreadKind.API);
    try {
      return serve(steps, filters);
    } finally {
      metricsWriter.close();
      logger.close();
    }
  }

  private int serve(List<ConfigFile.Step> steps, SeccompFilters filters) {
    EventLoopGroup group = null;
    ScheduledExecutorService executor;
    if (options.noApi()) {
      executor = Executors.newSingleThreadScheduledExecutor(threads("fc_vmm"));
    } else {
      group = new MultiThreadIoEventLoopGroup(1, threads("fc_api"), NioIoHandler.newFactory());
      executor = group.next();
    }
    VmResources resources = VmResources.defaults().withBootTimer(options.bootTimer());
    Vmm vmm =
        new Vmm(
            options.id(),
            resources,
            hypervisor,
            logger,
            metrics,
            metricsWriter,
            executor,
            Vmm.METRICS_PERIOD,
            options.mmdsSizeLimit());
    AtomicReference<ApiServer> server = new AtomicReference<>();
    Thread hook = new Thread(() -> shutdown(vmm, server.get()), "fc_shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (group != null) {
        server.set(
            ApiServer.start(
                options.apiSock(), options.httpApiMaxPayloadSize(), new ApiDispatcher(vmm), group));
        recordStartup();
      }
      // Logged once the socket accepts: the first log line loads the time-zone rules, which
      // costs milliseconds that clients waiting for the socket should not pay.
      logger.info(
          "Running Firecracker v" + Versions.FIRECRACKER + " (updraft " + Versions.updraft() + ")");
      if (group != null) {
        logger.info("API server started.");
        Thread.ofPlatform()
            .name("fc_prelink")
            .daemon()
            .start(
                () -> {
                  NativeCalls.linkAll();
                  filters.prepare();
                });
      }
      if (options.metadata() != null) {
        int code = onVmmThread(executor, () -> loadMetadata(vmm));
        if (code != ExitCode.OK) {
          return code;
        }
      }
      if (options.configFile() != null) {
        int code = onVmmThread(executor, () -> boot(vmm, steps));
        if (code != ExitCode.OK) {
          return code;
        }
      }
      return vmm.terminated().join();
    } catch (ApiServerException e) {
      return fail(ExitCode.GENERIC_ERROR, e.getMessage());
    } finally {
      shutdown(vmm, server.get());
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      } else {
        executor.shutdownNow();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down (a signal): the hook is running or has run.
      }
    }
  }

  /**
   * Loads, on the second core, what the first log line and the first request need (time-zone rules,
   * Jackson's object mapper) while the main thread opens the API socket.
   */
  // Loads the local-time classes the logger's stamps use (see Logger), off the boot path.
  @SuppressWarnings("JavaTimeDefaultTimeZone")
  private static void warmUp() {
    Thread warmUp =
        new Thread(
            () -> {
              var _ = LocalDateTime.now();
              Json.write(Json.object().put("warm", true));
            },
            "fc_warmup");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  /** {@code --metadata}: the file's JSON becomes the MMDS's contents, as a PUT /mmds would. */
  private int loadMetadata(Vmm vmm) {
    Path file = options.metadata();
    try {
      vmm.handle(new VmmAction.PutMmds(Json.parse(Files.readAllBytes(file))));
    } catch (IOException e) {
      return fail(ExitCode.BAD_CONFIGURATION, "--metadata " + file + ": unreadable: " + e);
    } catch (JsonFieldException | MmdsException e) {
      return fail(ExitCode.BAD_CONFIGURATION, "--metadata " + file + ": " + e.getMessage());
    }
    logger.info("Successfully added metadata to mmds from file");
    return ExitCode.OK;
  }

  /** Applies the configuration file and boots; returns an exit code, 0 when the VM runs. */
  private int boot(Vmm vmm, List<ConfigFile.Step> steps) {
    for (ConfigFile.Step step : steps) {
      try {
        vmm.handle(step.action());
      } catch (ConfigException | ApiException e) {
        return fail(
            ExitCode.BAD_CONFIGURATION,
            "Configuration file "
                + options.configFile()
                + ": "
                + step.section()
                + ": "
                + e.getMessage());
      }
    }
    try {
      vmm.handle(new VmmAction.StartMicroVm());
    } catch (ApiException e) {
      return fail(ExitCode.GENERIC_ERROR, e.getMessage());
    }
    logger.info("Successfully started microvm that was configured from one single json");
    return ExitCode.OK;
  }

  private static void shutdown(Vmm vmm, ApiServer server) {
    vmm.stop();
    if (server != null) {
      server.close();
    }
  }

  /** {@code api_server.process_startup_time_us} and {@code _cpu_us}, as Firecracker measures. */
  private void recordStartup() {
    ProcessHandle.Info process = ProcessHandle.current().info();
    long wall;
    if (options.startTimeUs() != null) {
      wall = System.nanoTime() / 1_000 - options.startTimeUs();
    } else {
      wall =
          process
              .startInstant()
              .map(start -> Duration.between(start, Instant.now()).toNanos() / 1_000)
              .orElse(0L);
    }
    long cpu = process.totalCpuDuration().map(d -> d.toNanos() / 1_000).orElse(0L);
    if (options.startTimeCpuUs() != null) {
      cpu -= options.startTimeCpuUs();
    }
    if (options.parentCpuTimeUs() != null) {
      cpu += options.parentCpuTimeUs();
    }
    metrics.recordStartup(Math.max(0, wall), Math.max(0, cpu));
  }

  private int onVmmThread(ScheduledExecutorService executor, Callable<Integer> task) {
    try {
      return executor.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.GENERIC_ERROR;
    } catch (ExecutionException e) {
      logger.error("Boot failed unexpectedly: " + e.getCause());
      return fail(ExitCode.GENERIC_ERROR, "Boot failed: " + e.getCause());
    }
  }

  private int fail(int code, String message) {
    logger.error(message);
    err.println("Error: " + message);
    err.flush();
    return code;
  }

  private ThreadFactory threads(String name) {
    return Threads.named(name, metrics, logger);
  }
}
