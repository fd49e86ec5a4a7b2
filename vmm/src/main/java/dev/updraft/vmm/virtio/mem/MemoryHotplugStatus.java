package dev.updraft.vmm.virtio.mem;

/**
 * {@code GET /hotplug/memory} (Firecracker's {@code VirtioMemStatus}), all in MiB.
 *
 * @param blockSizeMib the unit the guest plugs and unplugs
 * @param totalSizeMib the hot-pluggable region
 * @param slotSizeMib the unit KVM sees or stops seeing
 * @param pluggedSizeMib what the guest has plugged
 * @param requestedSizeMib what the host asks the guest to have plugged
 */
public record MemoryHotplugStatus(
    long blockSizeMib,
    long totalSizeMib,
    long slotSizeMib,
    long pluggedSizeMib,
    long requestedSizeMib) {}
