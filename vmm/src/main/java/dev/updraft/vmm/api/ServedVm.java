package dev.updraft.vmm.api;

import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.core.KvmHypervisor;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.MetricsWriter;
import dev.updraft.vmm.telemetry.StreamSink;
import dev.updraft.vmm.telemetry.VmmMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One microVM of {@code updraft vm serve}: the same {@link Vmm} and {@link ApiServer} a single-VM
 * process runs, on a thread of its own ({@code fc_api_<id>}, its VMM thread) with its own logger,
 * metrics and hypervisor, so nothing one VM does reaches another's state. Its vCPU and device
 * threads are its own too (the hypervisor starts them per VM). When the guest ends, or the VMM
 * fails, {@link #ended()} completes and the socket is removed; the other VMs are not involved.
 */
final class ServedVm {
  private final String id;
  private final Path socket;
  private final Logger logger;
  private final MetricsWriter metricsWriter;
  private final EventLoopGroup group;
  private final Vmm vmm;
  private final ApiServer server;
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServedVm(
      String id,
      Path socket,
      Logger logger,
      MetricsWriter metricsWriter,
      EventLoopGroup group,
      Vmm vmm,
      ApiServer server) {
    this.id = id;
    this.socket = socket;
    this.logger = logger;
    this.metricsWriter = metricsWriter;
    this.group = group;
    this.vmm = vmm;
    this.server = server;
  }

  /**
   * Opens {@code socket} for a new VM with {@code resources} configured.
   *
   * @throws ApiServerException if the socket cannot be created; nothing is left running
   */
  static ServedVm open(
      String id,
      Path socket,
      VmResources resources,
      SeccompFilters filters,
      int maxPayload,
      PrintStream out,
      Executor reaper) {
    PhaseLog phases = PhaseLog.start();
    VmmMetrics metrics = new VmmMetrics();
    Logger logger = new Logger(id, new StreamSink(out), metrics.logger());
    MetricsWriter metricsWriter = new MetricsWriter(metrics, id);
    Hypervisor hypervisor = new KvmHypervisor(false);
    // The VM's thread is its API thread, as in a single-VM process: it gets the api filter once
    // its VM runs. Threads are started by the caller, which holds only the process-wide filter.
    hypervisor.confine(filters, ThreadKind.API);
    phases.mark("logger");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, Threads.named("fc_api_" + id, metrics, logger), NioIoHandler.newFactory());
    phases.mark("api_loop");
    Vmm vmm =
        new Vmm(
            id,
            resources,
            hypervisor,
            logger,
            metrics,
            metricsWriter,
            group.next(),
            Vmm.METRICS_PERIOD,
            maxPayload);
    ApiServer server;
    try {
      server = ApiServer.start(socket, maxPayload, new ApiDispatcher(vmm), group);
    } catch (ApiServerException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    phases.mark("api_socket");
    ServedVm served = new ServedVm(id, socket, logger, metricsWriter, group, vmm, server);
    logger.info("VM created: " + phases);
    // Closed by the reaper, not the VM's own thread, which holds the api filter and which the
    // close ends; and "Ended" is reported only once the socket is gone.
    vmm.terminated()
        .whenCompleteAsync(
            (code, error) ->
                served.close(
                    error != null
                        ? "failed: " + error
                        : code == 0 ? "guest ended" : "ended with exit code " + code),
            reaper);
    return served;
  }

  String id() {
    return id;
  }

  Path socket() {
    return socket;
  }

  /**
   * Completes with the reason once the VM has ended (guest exit, VMM failure, or close) and its
   * socket is gone.
   */
  CompletableFuture<String> ended() {
    return ended;
  }

  /** The reason the VM ended, or null while it serves. */
  String endReason() {
    return ended.getNow(null);
  }

  /**
   * Stops the VM if it runs and releases what it holds: the socket (removed), the thread, the log
   * and metrics files. Idempotent; never throws. Call on a thread that is not the VM's.
   */
  void close() {
    close("deleted");
  }

  private void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    PhaseLog phases = PhaseLog.start();
    vmm.stop();
    phases.mark("vm");
    server.close();
    phases.mark("api_socket");
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    phases.mark("api_thread");
    logger.info("VM closed (" + reason + "): " + phases);
    metricsWriter.close();
    logger.close();
    ended.complete(reason);
  }

  @Override
  public String toString() {
    return "vm " + Objects.requireNonNull(id);
  }
}
