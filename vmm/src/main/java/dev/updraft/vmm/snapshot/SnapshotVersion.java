package dev.updraft.vmm.snapshot;

/**
 * The version of the state file's format, {@code MAJOR.MINOR.PATCH} as Firecracker numbers its own:
 * a change to the layout of anything in the file bumps MAJOR; a reader takes the same MAJOR with a
 * MINOR up to its own.
 */
public record SnapshotVersion(int major, int minor, int patch) {
  /**
   * The version this VMM writes. 1.1 added the balloon device, so 1.0 files read as they were; 1.2
   * added the balloon's free page hinting and reporting at the end of its section, so 1.1 files
   * read as they were too (a balloon without them); 1.3 added the vsock device (a device entry, its
   * configuration), the MMDS configuration at the end of the configuration section, the pmem device
   * (its own device entry, with its configuration) and the virtio-mem device's entry, so 1.2 files
   * read as they were too (a VM without any of them).
   */
  public static final SnapshotVersion CURRENT = new SnapshotVersion(1, 3, 0);

  public SnapshotVersion {
    for (int part : new int[] {major, minor, patch}) {
      if (part < 0 || part > 0xFFFF) {
        throw new IllegalArgumentException("version part: " + part + " (expected: 0..65535)");
      }
    }
  }

  /** Whether a VMM that writes this version can read a file of {@code other}. */
  public boolean reads(SnapshotVersion other) {
    return other.major == major && other.minor <= minor;
  }

  /** {@code v1.0.0}, as {@code --snapshot-version} prints it. */
  @Override
  public String toString() {
    return "v" + major + "." + minor + "." + patch;
  }
}
