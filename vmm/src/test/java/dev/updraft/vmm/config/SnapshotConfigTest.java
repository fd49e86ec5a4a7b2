package dev.updraft.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotConfigTest {
  private static final SnapshotLoad.MemoryBackend FILE =
      new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, Path.of("mem"));

  @Test
  void aSnapshotNeedsTwoFiles() {
    assertThatThrownBy(() -> new SnapshotCreate(SnapshotType.FULL, Path.of("vm"), Path.of("vm")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("mem_file_path: vm (expected: a file other than snapshot_path's)");
  }

  @Test
  void overridesNameEachInterfaceOnceWithAUsableTapName() {
    var eth0 = new SnapshotLoad.NetworkOverride("eth0", "tap1");
    assertThatThrownBy(
            () ->
                new SnapshotLoad(
                    Path.of("vm"),
                    FILE,
                    false,
                    false,
                    List.of(eth0, eth0),
                    null,
                    false,
                    SnapshotLoad.LoadHugePages.SNAPSHOT))
        .hasMessage("network_overrides: iface_id \"eth0\" twice (expected: each interface once)");
    assertThatThrownBy(() -> new SnapshotLoad.NetworkOverride("eth0", "a/b"))
        .hasMessageStartingWith("host_dev_name: \"a/b\"");
    assertThatThrownBy(() -> new SnapshotLoad.NetworkOverride("eth-0", "tap0"))
        .hasMessageStartingWith("iface_id: \"eth-0\"");
    assertThatThrownBy(() -> new SnapshotLoad.VsockOverride(""))
        .hasMessage("vsock_override.uds_path:  (expected: a socket path)");
  }

  @Test
  void loadHugePagesDefersToTheSnapshotUnlessItSaysOtherwise() {
    assertThat(SnapshotLoad.LoadHugePages.SNAPSHOT.resolve(HugePages.TRANSPARENT))
        .isEqualTo(HugePages.TRANSPARENT);
    assertThat(SnapshotLoad.LoadHugePages.NONE.resolve(HugePages.TRANSPARENT))
        .isEqualTo(HugePages.NONE);
    assertThat(SnapshotLoad.LoadHugePages.HUGETLBFS_2M.wireName()).isEqualTo("2M");
  }
}
