package dev.updraft.vmm.api;

import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmExit;
import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.MetricsWriter;
import dev.updraft.vmm.telemetry.VmmMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The VMM's state and its one entry point, {@link #handle}: before {@code InstanceStart} requests
 * go to the {@link PrebootController}, after it to the {@link RuntimeController}. Everything here
 * runs on one thread (the "VMM thread", the executor given to the constructor), as in Firecracker,
 * so requests are handled one at a time, in order; only the running VM is also read by a shutdown
 * hook.
 */
final class Vmm {
  /** Firecracker writes a metrics line this often after boot. */
  static final Duration METRICS_PERIOD = Duration.ofSeconds(60);

  /** {@code app_name} in {@code GET /}: tools that check it expect Firecracker's. */
  static final String APP_NAME = "Firecracker";

  private final String instanceId;
  private final long mmdsSizeLimit;
  private final Hypervisor hypervisor;
  private final Logger logger;
  private final VmmMetrics metrics;
  private final MetricsWriter metricsWriter;
  private final ScheduledExecutorService executor;
  private final Duration metricsPeriod;
  private final PrebootController preboot = new PrebootController(this);
  private final RuntimeController runtime = new RuntimeController(this);
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
  private VmResources resources;
  private VmState state = VmState.NOT_STARTED;
  private volatile RunningVm vm;
  private ScheduledFuture<?> periodicMetrics;

  Vmm(
      String instanceId,
      VmResources resources,
      Hypervisor hypervisor,
      Logger logger,
      VmmMetrics metrics,
      MetricsWriter metricsWriter,
      ScheduledExecutorService executor,
      Duration metricsPeriod,
      long mmdsSizeLimit) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    this.mmdsSizeLimit = mmdsSizeLimit;
    this.resources = Objects.requireNonNull(resources, "resources");
    this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
    this.logger = Objects.requireNonNull(logger, "logger");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.metricsWriter = Objects.requireNonNull(metricsWriter, "metricsWriter");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.metricsPeriod = Objects.requireNonNull(metricsPeriod, "metricsPeriod");
  }

  /** Handles one action; call on the VMM thread. */
  VmmData handle(VmmAction action) {
    return vm == null ? preboot.handle(action) : runtime.handle(action);
  }

  /** Completes with the process exit code once the guest has ended. */
  CompletableFuture<Integer> terminated() {
    return terminated;
  }

  /** Ends a running VM (SIGTERM, process shutdown); safe from any thread. */
  void stop() {
    RunningVm running = vm;
    if (running != null) {
      running.stop();
    }
  }

  /** Answers a GET, the same before and after boot. */
  VmmData query(VmmAction.Query query) {
    return switch (query) {
      case VmmAction.GetVmInstanceInfo q ->
          new VmmData.InstanceInformation(instanceId, state, Versions.FIRECRACKER, APP_NAME);
      case VmmAction.GetVmmVersion q -> new VmmData.VmmVersion(Versions.FIRECRACKER);
      case VmmAction.GetVmMachineConfig q -> new VmmData.MachineConfiguration(resources.machine());
      case VmmAction.GetFullVmConfig q ->
          new VmmData.FullVmConfig(resources, logger.config(), metricsWriter.config().orElse(null));
    };
  }

  /** Called by the pre-boot controller once the hypervisor runs the VM. */
  void started(RunningVm running) {
    started(running, VmState.RUNNING);
  }

  /** The same for a VM that may start paused (a snapshot loaded without resume_vm). */
  void started(RunningVm running, VmState initial) {
    vm = running;
    state = initial;
    flushMetrics();
    long period = metricsPeriod.toMillis();
    periodicMetrics =
        executor.scheduleAtFixedRate(this::periodicFlush, period, period, TimeUnit.MILLISECONDS);
    running
        .exit()
        .whenComplete(
            (exit, error) -> {
              try {
                executor.execute(() -> ended(exit, error));
              } catch (RejectedExecutionException e) {
                ended(exit, error);
              }
            });
  }

  void flushMetrics() {
    RunningVm running = vm;
    metricsWriter.flush(running == null ? List.of() : running.metrics());
  }

  private void periodicFlush() {
    try {
      flushMetrics();
    } catch (RuntimeException e) {
      // A failing flush must not cancel the schedule (an escaping exception would).
      metrics.logger().increment("metrics_fails");
      logger.error("Failed to write metrics: " + e);
    }
  }

  private void ended(VmExit exit, Throwable error) {
    if (terminated.isDone()) {
      return;
    }
    if (periodicMetrics != null) {
      periodicMetrics.cancel(false);
    }
    int code;
    if (error != null || exit == null) {
      code = 1;
      logger.error("The microVM ended with an error: " + error);
    } else {
      code = exit.exitCode();
      logger.info("Vmm is stopping: " + exit.reason() + " (exit code " + code + ")");
    }
    periodicFlush();
    terminated.complete(code);
  }

  // Accessors for the controllers.

  String instanceId() {
    return instanceId;
  }

  /**
   * The metadata store, created (with {@code --mmds-size-limit}) on first use before boot, as
   * Firecracker creates it for any MMDS request or {@code --metadata}.
   */
  Mmds mmdsOrDefault() {
    if (resources.mmds() == null) {
      resources = resources.withMmds(newMmds());
    }
    return resources.mmds();
  }

  /** A new, empty metadata store with {@code --mmds-size-limit}, not yet the VM's. */
  Mmds newMmds() {
    return new Mmds(mmdsSizeLimit);
  }

  VmResources resources() {
    return resources;
  }

  void resources(VmResources updated) {
    resources = updated;
  }

  void state(VmState updated) {
    state = updated;
  }

  RunningVm vm() {
    return vm;
  }

  Hypervisor hypervisor() {
    return hypervisor;
  }

  Logger logger() {
    return logger;
  }

  VmmMetrics metrics() {
    return metrics;
  }

  MetricsWriter metricsWriter() {
    return metricsWriter;
  }
}
