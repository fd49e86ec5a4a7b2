package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.virtio.balloon.BalloonStats;
import dev.updraft.vmm.virtio.balloon.HintingStatus;

/** What a handled {@link VmmAction} returns (Firecracker's {@code VmmData}). */
sealed interface VmmData {
  /** 204 No Content. */
  record Empty() implements VmmData {}

  record MachineConfiguration(MachineConfig config) implements VmmData {}

  record InstanceInformation(String id, VmState state, String vmmVersion, String appName)
      implements VmmData {}

  record VmmVersion(String version) implements VmmData {}

  /** {@code GET /vm/config}: the resources plus the logger and metrics settings (or null). */
  record FullVmConfig(VmResources resources, LoggerConfig logger, MetricsConfig metrics)
      implements VmmData {}

  /** {@code GET /mmds}: the metadata document. */
  record MmdsValue(JsonNode document) implements VmmData {}

  /** {@code GET /balloon}. */
  record BalloonConfiguration(BalloonConfig config) implements VmmData {}

  /** {@code GET /balloon/statistics}. */
  record BalloonStatistics(BalloonStats stats) implements VmmData {}

  /** {@code GET /balloon/hinting/status}. */
  record BalloonHintingStatus(HintingStatus status) implements VmmData {}

  /** {@code GET /hotplug/memory}. */
  record MemoryHotplugStatus(dev.updraft.vmm.virtio.mem.MemoryHotplugStatus status)
      implements VmmData {}

  VmmData EMPTY = new Empty();
}
