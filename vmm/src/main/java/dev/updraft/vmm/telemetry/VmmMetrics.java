package dev.updraft.vmm.telemetry;

import dev.updraft.vmm.metrics.Counters;
import java.util.List;

/**
 * The process-level metric groups of Firecracker's metrics line that belong to the VMM rather than
 * to a device: API request counters, logger losses, start-up time and pause/resume latencies.
 * Counter groups are drained on every flush (per-interval deltas, as Firecracker's {@code
 * SharedIncMetric}); value groups keep their last value ({@code SharedStoreMetric}).
 */
public final class VmmMetrics {
  private final Counters apiServer =
      group("api_server", "process_startup_time_us", "process_startup_time_cpu_us");
  private final Counters latencies =
      group(
          "latencies_us",
          "full_create_snapshot",
          "diff_create_snapshot",
          "load_snapshot",
          "pause_vm",
          "resume_vm",
          "vmm_full_create_snapshot",
          "vmm_diff_create_snapshot",
          "vmm_load_snapshot");
  private final Counters vmm = group("vmm", "panic_count");
  private final Counters deprecatedApi = group("deprecated_api", "deprecated_http_api_calls");
  private final Counters getRequests =
      group(
          "get_api_requests",
          "instance_info_count",
          "machine_cfg_count",
          "mmds_count",
          "vmm_version_count",
          "hotplug_memory_count");
  private final Counters putRequests =
      group(
          "put_api_requests",
          pairs(
              "actions",
              "boot_source",
              "drive",
              "logger",
              "machine_cfg",
              "cpu_cfg",
              "metrics",
              "network",
              "mmds",
              "vsock",
              "pmem",
              "serial",
              "hotplug_memory"));
  private final Counters patchRequests =
      group(
          "patch_api_requests",
          pairs("drive", "network", "machine_cfg", "mmds", "pmem", "hotplug_memory"));
  private final Counters logger =
      group("logger", "missed_metrics_count", "metrics_fails", "missed_log_count");

  /** {@code get_api_requests}: {@code <resource>_count}. */
  public Counters getRequests() {
    return getRequests;
  }

  /** {@code put_api_requests}: {@code <resource>_count} and {@code <resource>_fails}. */
  public Counters putRequests() {
    return putRequests;
  }

  /** {@code patch_api_requests}: {@code <resource>_count} and {@code <resource>_fails}. */
  public Counters patchRequests() {
    return patchRequests;
  }

  /** {@code deprecated_api}: {@code deprecated_http_api_calls}. */
  public Counters deprecatedApi() {
    return deprecatedApi;
  }

  /** {@code logger}: lines the log or metrics destination could not take. */
  public Counters logger() {
    return logger;
  }

  /** Stores the time from process start to the API socket accepting, wall and CPU. */
  public void recordStartup(long wallMicros, long cpuMicros) {
    store(apiServer, "process_startup_time_us", wallMicros);
    store(apiServer, "process_startup_time_cpu_us", cpuMicros);
  }

  /**
   * Stores how long a pause ({@code pause_vm}), resume ({@code resume_vm}), snapshot ({@code
   * full_create_snapshot}, {@code diff_create_snapshot}) or load ({@code load_snapshot}) took; a
   * snapshot's figure is stored under the {@code vmm_} name too, as Firecracker measures both.
   */
  public void recordLatency(String name, long micros) {
    store(latencies, name, micros);
    if (name.endsWith("_snapshot")) {
      store(latencies, "vmm_" + name, micros);
    }
  }

  /** Records that an unexpected exception reached the top of a VMM thread. */
  public void recordPanic() {
    store(vmm, "panic_count", 1);
  }

  /** Groups whose values persist across flushes. */
  List<Counters> storedGroups() {
    return List.of(apiServer, latencies, vmm);
  }

  /** Groups that count per flush interval. */
  List<Counters> countedGroups() {
    return List.of(deprecatedApi, getRequests, logger, patchRequests, putRequests);
  }

  private static void store(Counters group, String name, long value) {
    var counter = group.counter(name);
    counter.reset();
    counter.add(value);
  }

  /** A group with its counters created at zero, so every line shows all of Firecracker's names. */
  private static Counters group(String group, String... names) {
    Counters counters = new Counters(group);
    for (String name : names) {
      counters.counter(name);
    }
    return counters;
  }

  private static String[] pairs(String... resources) {
    String[] names = new String[resources.length * 2];
    for (int i = 0; i < resources.length; i++) {
      names[2 * i] = resources[i] + "_count";
      names[2 * i + 1] = resources[i] + "_fails";
    }
    return names;
  }
}
