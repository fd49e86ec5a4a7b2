package dev.updraft.vmm.config;

import java.util.List;

/**
 * Firecracker's rules for root devices across drives and pmem devices ({@code PmemBuilder::build}
 * and {@code BlockDeviceConfigs::insert}), with its error texts followed by the field, the value
 * and what was expected: one root device in all, and a pmem device that is not the root cannot
 * become it while another pmem device is.
 */
final class PmemRules {
  /** Firecracker's {@code PmemConfigError::AddingSecondRootDevice}. */
  static final String PMEM_AFTER_BLOCK_ROOT =
      "Attempt to add pmem as a root device while the root device defined as a block device";

  /** Firecracker's {@code PmemConfigError::RootPmemDeviceAlreadyExist}. */
  static final String SECOND_PMEM_ROOT = "A root pmem device already exist";

  /** Firecracker's {@code DriveError::AddingSecondRootDevice}. */
  static final String BLOCK_AFTER_PMEM_ROOT =
      "Attempt to add block as a root device while the root device defined as a pmem device";

  private PmemRules() {}

  /** A PUT of {@code device} onto the current drives and pmem devices. */
  static void checkPmem(PmemConfig device, List<Drive> drives, List<PmemConfig> pmem) {
    if (!device.rootDevice()) {
      return;
    }
    for (Drive drive : drives) {
      if (drive.isRootDevice()) {
        throw refused(
            PMEM_AFTER_BLOCK_ROOT,
            device.id(),
            "false, drive \"" + drive.driveId() + "\" is the root device");
      }
    }
    for (PmemConfig other : pmem) {
      if (other.rootDevice() && !other.id().equals(device.id())) {
        throw refused(
            SECOND_PMEM_ROOT, device.id(), "false, pmem \"" + other.id() + "\" is the root device");
      }
    }
  }

  /** A PUT of a root {@code drive} while a pmem device is the root. */
  static void checkDrive(Drive drive, List<PmemConfig> pmem) {
    if (!drive.isRootDevice()) {
      return;
    }
    for (PmemConfig device : pmem) {
      if (device.rootDevice()) {
        throw new ConfigException(
            BLOCK_AFTER_PMEM_ROOT
                + " (is_root_device: true on drive \""
                + drive.driveId()
                + "\", expected: false, pmem \""
                + device.id()
                + "\" is the root device)");
      }
    }
  }

  /** The whole set (a configuration put together at once): at most one root device. */
  static void checkRoots(List<Drive> drives, List<PmemConfig> pmem) {
    List<PmemConfig> roots = pmem.stream().filter(PmemConfig::rootDevice).toList();
    if (roots.size() > 1) {
      throw refused(
          SECOND_PMEM_ROOT,
          roots.get(1).id(),
          "false, pmem \"" + roots.get(0).id() + "\" is the root device");
    }
    if (!roots.isEmpty() && drives.stream().anyMatch(Drive::isRootDevice)) {
      checkPmem(roots.getFirst(), drives, List.of());
    }
  }

  private static ConfigException refused(String firecracker, String id, String expected) {
    return new ConfigException(
        firecracker + " (root_device: true on pmem \"" + id + "\", expected: " + expected + ")");
  }
}
