package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.DriveUpdate;
import dev.updraft.vmm.config.EntropyConfig;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.config.MachineConfigUpdate;
import dev.updraft.vmm.config.MemoryHotplugConfig;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.NetworkInterfaceUpdate;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VsockConfig;

/**
 * What one API request asks of the VMM (Firecracker's {@code VmmAction}). {@link PrebootController}
 * and {@link RuntimeController} each handle every action with an exhaustive switch, so adding one
 * makes both decide what it means before and after boot.
 */
sealed interface VmmAction {
  record ConfigureBootSource(BootSource bootSource) implements VmmAction {}

  record ConfigureLogger(LoggerConfig config) implements VmmAction {}

  record ConfigureMetrics(MetricsConfig config) implements VmmAction {}

  record ConfigureSerial(SerialConfig config) implements VmmAction {}

  record SetEntropyDevice(EntropyConfig config) implements VmmAction {}

  /** {@code PUT /pmem/{id}}: before boot. */
  record InsertPmemDevice(dev.updraft.vmm.config.PmemConfig config) implements VmmAction {}

  /** {@code PATCH /pmem/{id}}: a new rate limiter, after boot. */
  record UpdatePmemDevice(dev.updraft.vmm.config.PmemUpdate update) implements VmmAction {}

  record SetVsockDevice(VsockConfig config) implements VmmAction {}

  record SetMmdsConfiguration(MmdsConfig config) implements VmmAction {}

  /** {@code PUT /cpu-config}: a custom CPU template, before boot. */
  record PutCpuConfiguration(CustomCpuTemplate template) implements VmmAction {}

  /** {@code PUT /balloon}: before boot. */
  record SetBalloonDevice(BalloonConfig config) implements VmmAction {}

  /** {@code GET /balloon}: the configuration before boot, the device's after. */
  record GetBalloonConfig() implements VmmAction {}

  /** {@code PATCH /balloon}: a new target, after boot. */
  record UpdateBalloon(long amountMib) implements VmmAction {}

  /** {@code PATCH /balloon/statistics}: a new polling interval, after boot. */
  record UpdateBalloonStatistics(int statsPollingIntervalS) implements VmmAction {}

  /** {@code GET /balloon/statistics}: after boot, with statistics on. */
  record GetBalloonStats() implements VmmAction {}

  /** {@code PATCH /balloon/hinting/start}: a free page hinting run, after boot. */
  record StartFreePageHinting(boolean acknowledgeOnStop) implements VmmAction {}

  /** {@code GET /balloon/hinting/status}: after boot. */
  record GetFreePageHintingStatus() implements VmmAction {}

  /** {@code PATCH /balloon/hinting/stop}: ends the run, after boot. */
  record StopFreePageHinting() implements VmmAction {}

  /** {@code PUT /hotplug/memory}: the virtio-mem device, before boot. */
  record SetMemoryHotplugDevice(MemoryHotplugConfig config) implements VmmAction {}

  /** {@code PATCH /hotplug/memory}: a new requested size, after boot. */
  record UpdateMemoryHotplugSize(long requestedSizeMib) implements VmmAction {}

  /** {@code GET /hotplug/memory}: the device's sizes, after boot. */
  record GetMemoryHotplugStatus() implements VmmAction {}

  /** {@code PUT /mmds}: any JSON value replaces the metadata. */
  record PutMmds(JsonNode document) implements VmmAction {}

  /** {@code PATCH /mmds}: a JSON Merge Patch of the metadata. */
  record PatchMmds(JsonNode patch) implements VmmAction {}

  /** {@code GET /mmds}: before boot it creates the store if needed; after, there must be one. */
  record GetMmds() implements VmmAction {}

  record InsertBlockDevice(Drive drive) implements VmmAction {}

  record InsertNetworkDevice(NetworkInterface iface) implements VmmAction {}

  record UpdateMachineConfiguration(MachineConfigUpdate update) implements VmmAction {}

  record UpdateBlockDevice(DriveUpdate update) implements VmmAction {}

  record UpdateNetworkInterface(NetworkInterfaceUpdate update) implements VmmAction {}

  /** A GET: answered the same way before and after boot. */
  sealed interface Query extends VmmAction {}

  record GetVmInstanceInfo() implements Query {}

  record GetVmmVersion() implements Query {}

  record GetVmMachineConfig() implements Query {}

  record GetFullVmConfig() implements Query {}

  record StartMicroVm() implements VmmAction {}

  record SendCtrlAltDel() implements VmmAction {}

  record FlushMetrics() implements VmmAction {}

  record Pause() implements VmmAction {}

  /** {@code PUT /snapshot/create}: after boot, on a paused VM. */
  record CreateSnapshot(SnapshotCreate request) implements VmmAction {}

  /** {@code PUT /snapshot/load}: before boot, before any boot-specific configuration. */
  record LoadSnapshot(SnapshotLoad request) implements VmmAction {}

  record Resume() implements VmmAction {}
}
