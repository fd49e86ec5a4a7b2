package dev.updraft.vmm.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code PUT /snapshot/load} (Firecracker's {@code SnapshotLoadParams}), with the deprecated {@code
 * mem_file_path} already turned into a File backend and {@code enable_diff_snapshots} into {@code
 * track_dirty_pages}.
 *
 * @param snapshotPath the state file
 * @param memBackend where guest memory comes from
 * @param trackDirtyPages log dirty pages in the restored VM, for diff snapshots of it
 * @param resumeVm resume the VM once loaded (else it stays Paused)
 * @param networkOverrides TAP devices to use instead of the snapshot's, by interface
 * @param vsockOverride the vsock device's new Unix socket, or null
 * @param clockRealtime advance kvmclock by the wall time since the snapshot (KVM_CLOCK_REALTIME)
 * @param hugePages what backs the restored memory
 */
public record SnapshotLoad(
    Path snapshotPath,
    MemoryBackend memBackend,
    boolean trackDirtyPages,
    boolean resumeVm,
    List<NetworkOverride> networkOverrides,
    VsockOverride vsockOverride,
    boolean clockRealtime,
    LoadHugePages hugePages) {

  public SnapshotLoad {
    Objects.requireNonNull(snapshotPath, "snapshot_path");
    Objects.requireNonNull(memBackend, "mem_backend");
    networkOverrides = List.copyOf(networkOverrides);
    Set<String> ids = new HashSet<>();
    for (NetworkOverride o : networkOverrides) {
      if (!ids.add(o.ifaceId())) {
        throw ConfigException.of(
            "network_overrides", "iface_id \"" + o.ifaceId() + "\" twice", "each interface once");
      }
    }
    Objects.requireNonNull(hugePages, "huge_pages");
  }

  /** {@code mem_backend.backend_type}. */
  public enum BackendType implements WireNamed {
    /** The memory file, mapped copy-on-write. */
    FILE("File"),
    /** A page-fault handler listening on a Unix socket, given a userfaultfd. */
    UFFD("Uffd");

    private final String wireName;

    BackendType(String wireName) {
      this.wireName = wireName;
    }

    @Override
    public String wireName() {
      return wireName;
    }
  }

  /** {@code mem_backend}: the memory file, or the handler's socket. */
  public record MemoryBackend(BackendType type, Path path) {
    public MemoryBackend {
      Objects.requireNonNull(type, "backend_type");
      Objects.requireNonNull(path, "backend_path");
    }
  }

  /** An entry of {@code network_overrides}. */
  public record NetworkOverride(String ifaceId, String hostDevName) {
    public NetworkOverride {
      ResourceId.check("iface_id", ifaceId);
      NetworkInterface.checkHostDevName(hostDevName);
    }
  }

  /** {@code vsock_override}. */
  public record VsockOverride(String udsPath) {
    public VsockOverride {
      if (udsPath == null || udsPath.isEmpty() || udsPath.indexOf('\0') >= 0) {
        throw ConfigException.of("vsock_override.uds_path", udsPath, "a socket path");
      }
    }
  }

  /** {@code huge_pages}: the snapshot's choice, or another. */
  public enum LoadHugePages implements WireNamed {
    SNAPSHOT("Snapshot"),
    NONE("None"),
    TRANSPARENT("Transparent"),
    HUGETLBFS_2M("2M");

    private final String wireName;

    LoadHugePages(String wireName) {
      this.wireName = wireName;
    }

    @Override
    public String wireName() {
      return wireName;
    }

    /** What backs memory once the snapshot's own choice is known. */
    public HugePages resolve(HugePages snapshot) {
      return switch (this) {
        case SNAPSHOT -> snapshot;
        case NONE -> HugePages.NONE;
        case TRANSPARENT -> HugePages.TRANSPARENT;
        case HUGETLBFS_2M -> HugePages.HUGETLBFS_2M;
      };
    }
  }
}
