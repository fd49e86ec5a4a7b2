package dev.updraft.vmm.api;

import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.SnapshotType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bodies of {@code PUT /snapshot/create} and {@code PUT /snapshot/load}, as Firecracker's. */
final class SnapshotJson {
  private SnapshotJson() {}

  /** {@code SnapshotCreateParams}: unknown fields refused, as Firecracker's serde type does. */
  static SnapshotCreate snapshotCreate(JsonFields f) {
    f.only("snapshot_type", "snapshot_path", "mem_file_path");
    return f.build(
        () ->
            new SnapshotCreate(
                orDefault(f.wireEnum("snapshot_type", SnapshotType.class), SnapshotType.FULL),
                f.requiredPath("snapshot_path"),
                f.requiredPath("mem_file_path")));
  }

  /**
   * {@code SnapshotLoadParams}. Firecracker's type takes unknown fields (only {@code mem_backend}
   * refuses them), and so does this; exactly one of {@code mem_backend} and the deprecated {@code
   * mem_file_path} must be there, with Firecracker's wording when not.
   */
  static SnapshotLoad snapshotLoad(JsonFields f) {
    f.nullable("mem_file_path", "mem_backend", "vsock_override");
    JsonFields backend = f.object("mem_backend");
    Path memFile = f.path("mem_file_path");
    if (backend != null && memFile != null) {
      throw new JsonFieldException(
          "too many fields: either `mem_backend` or `mem_file_path` exclusively is required");
    }
    if (backend == null && memFile == null) {
      throw new JsonFieldException(
          "missing field: either `mem_backend` or `mem_file_path` is required");
    }
    SnapshotLoad.MemoryBackend memBackend;
    if (backend != null) {
      backend.only("backend_path", "backend_type");
      SnapshotLoad.BackendType type =
          backend.wireEnum("backend_type", SnapshotLoad.BackendType.class);
      if (type == null) {
        throw new JsonFieldException("mem_backend.backend_type: missing (expected: File or Uffd)");
      }
      memBackend = new SnapshotLoad.MemoryBackend(type, backend.requiredPath("backend_path"));
    } else {
      memBackend = new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, memFile);
    }
    Path snapshot = f.requiredPath("snapshot_path");
    // Both read, so that a wrong type in either is reported.
    @SuppressWarnings("ShortCircuitBoolean")
    boolean track = f.bool("track_dirty_pages", false) | f.bool("enable_diff_snapshots", false);
    List<SnapshotLoad.NetworkOverride> overrides = new ArrayList<>();
    for (JsonFields o : f.objects("network_overrides")) {
      String ifaceId = o.requiredString("iface_id");
      String hostDevName = o.requiredString("host_dev_name");
      overrides.add(o.build(() -> new SnapshotLoad.NetworkOverride(ifaceId, hostDevName)));
    }
    JsonFields vsock = f.object("vsock_override");
    SnapshotLoad.VsockOverride vsockOverride = null;
    if (vsock != null) {
      String udsPath = vsock.requiredString("uds_path");
      vsockOverride = vsock.build(() -> new SnapshotLoad.VsockOverride(udsPath));
    }
    SnapshotLoad.LoadHugePages hugePages =
        orDefault(
            f.wireEnum("huge_pages", SnapshotLoad.LoadHugePages.class),
            SnapshotLoad.LoadHugePages.SNAPSHOT);
    boolean resume = f.bool("resume_vm", false);
    boolean realtime = f.bool("clock_realtime", false);
    SnapshotLoad.VsockOverride vsockFinal = vsockOverride;
    return f.build(
        () ->
            new SnapshotLoad(
                snapshot, memBackend, track, resume, overrides, vsockFinal, realtime, hugePages));
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
