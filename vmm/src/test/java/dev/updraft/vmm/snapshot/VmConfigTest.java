package dev.updraft.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmConfigTest {
  @Test
  void theConfigurationRoundTripsAndBecomesTheRestoredVmsResources() {
    VmConfig config = Samples.config();
    StateWriter out = new StateWriter();
    config.write(out);
    assertThat(VmConfig.read(new StateReader(out.toByteArray(), ""))).isEqualTo(config);

    VmResources current =
        VmResources.defaults().withSerial(new SerialConfig(Path.of("/tmp/console"), null));
    VmResources restored = config.toResources(current);
    assertThat(restored.drives()).isEqualTo(config.drives());
    assertThat(restored.serial()).as("the new process's").isEqualTo(current.serial());
    assertThat(VmConfig.of(restored)).isEqualTo(config);
  }

  @Test
  void vsockAndMmdsRoundTripAndBecomeTheRestoredVmsResources() {
    VmConfig config = Samples.configWithVsockAndMmds();
    StateWriter out = new StateWriter();
    config.write(out);
    assertThat(VmConfig.read(new StateReader(out.toByteArray(), ""))).isEqualTo(config);

    Mmds store = new Mmds(1024);
    VmResources restored = config.toResources(VmResources.defaults().withMmds(store));
    assertThat(restored.vsock()).isEqualTo(config.vsock());
    assertThat(restored.mmdsConfig()).isEqualTo(config.mmds());
    assertThat(restored.mmds()).as("the new process's store").isSameAs(store);
    assertThat(VmConfig.of(restored)).isEqualTo(config);
  }

  @Test
  void aVsockOverrideMovesTheSocketAndKeepsTheContextId() {
    VmConfig overridden =
        Samples.configWithVsockAndMmds()
            .withOverrides(load(List.of(), new SnapshotLoad.VsockOverride("/tmp/w.sock")));
    assertThat(overridden.vsock().udsPath()).isEqualTo(Path.of("/tmp/w.sock"));
    assertThat(overridden.vsock().guestCid()).isEqualTo(3);
    assertThat(overridden.mmds()).isEqualTo(Samples.configWithVsockAndMmds().mmds());
  }

  @Test
  void anMmdsVersionTheFormatDoesNotKnowIsRefusedByName() {
    StateWriter out = new StateWriter();
    Samples.configWithVsockAndMmds().write(out);
    byte[] bytes = out.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    bytes[text.lastIndexOf("V2") + 1] = '3';
    assertThatThrownBy(() -> VmConfig.read(new StateReader(bytes, "configuration")))
        .hasMessage("configuration: mmds version: \"V3\" (expected: V1 or V2)");
  }

  @Test
  void aNetworkOverrideGivesAnInterfaceAnotherTap() {
    VmConfig overridden =
        Samples.config()
            .withOverrides(load(List.of(new SnapshotLoad.NetworkOverride("eth0", "tap9")), null));
    assertThat(overridden.networkInterfaces().get(0).hostDevName()).isEqualTo("tap9");
    assertThat(overridden.networkInterfaces().get(0).guestMac())
        .isEqualTo(Samples.config().networkInterfaces().get(0).guestMac());
  }

  @Test
  void overridesOfDevicesTheSnapshotLacksAreRefused() {
    assertThatThrownBy(
            () ->
                Samples.config()
                    .withOverrides(
                        load(List.of(new SnapshotLoad.NetworkOverride("eth1", "tap9")), null)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "network_overrides: iface_id \"eth1\" (expected: an interface of the snapshot: [eth0])");
    assertThatThrownBy(
            () ->
                Samples.config()
                    .withOverrides(load(List.of(), new SnapshotLoad.VsockOverride("/tmp/v.sock"))))
        .hasMessageStartingWith("vsock_override: the snapshot has no vsock device");
  }

  private static SnapshotLoad load(
      List<SnapshotLoad.NetworkOverride> overrides, SnapshotLoad.VsockOverride vsock) {
    return new SnapshotLoad(
        Path.of("vm.state"),
        new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, Path.of("mem")),
        false,
        false,
        overrides,
        vsock,
        false,
        SnapshotLoad.LoadHugePages.SNAPSHOT);
  }
}
