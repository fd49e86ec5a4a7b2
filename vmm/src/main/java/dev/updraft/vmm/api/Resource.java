package dev.updraft.vmm.api;

/**
 * An API resource: how its errors are prefixed (Firecracker's {@code VmmActionError} wording) and
 * the base name of its request counters in {@code get/put/patch_api_requests}, or null if
 * Firecracker does not count it.
 */
enum Resource {
  INSTANCE("", "instance_info"),
  VERSION("", "vmm_version"),
  VM_CONFIG("", null),
  MACHINE_CONFIG("Machine config error: ", "machine_cfg"),
  ACTIONS("", "actions"),
  BOOT_SOURCE("Boot source error: ", "boot_source"),
  DRIVES("Drive config error: ", "drive"),
  NETWORK("Network config error: ", "network"),
  LOGGER("Logger error: ", "logger"),
  METRICS("Metrics error: ", "metrics"),
  ENTROPY("Entropy device error: ", null),
  PMEM("Pmem config error: ", "pmem"),
  SERIAL("Serial config error: ", "serial"),
  VSOCK("Vsock config error: ", "vsock"),
  MMDS("MMDS error: ", "mmds"),
  CPU_CONFIG("", "cpu_cfg"),
  BALLOON("Balloon config error: ", null),
  BALLOON_UPDATE("Balloon update error: ", null),
  MEMORY_HOTPLUG("Memory hotplug config error: ", "hotplug_memory"),
  MEMORY_HOTPLUG_UPDATE("Memory hotplug update error: ", "hotplug_memory"),
  MMDS_CONFIG("MMDS config error: ", "mmds"),
  SNAPSHOT_CREATE("Create snapshot error: ", null),
  SNAPSHOT_LOAD("Load snapshot error: ", null),
  VM("Internal VMM error: ", null);

  private final String errorPrefix;
  private final String metric;

  Resource(String errorPrefix, String metric) {
    this.errorPrefix = errorPrefix;
    this.metric = metric;
  }

  /** Put in front of a configuration error's message, e.g. {@code "Machine config error: "}. */
  String errorPrefix() {
    return errorPrefix;
  }

  /** The counter base name, e.g. {@code machine_cfg} for {@code machine_cfg_count}; or null. */
  String metric() {
    return metric;
  }
}
