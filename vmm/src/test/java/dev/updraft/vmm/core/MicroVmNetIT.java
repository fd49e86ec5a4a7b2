package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.TapNamespace;
import dev.updraft.vmm.virtio.net.MacAddress;
import dev.updraft.vmm.virtio.net.NetConfig;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** virtio-net on updraft's VMM: frames in both directions through a real TAP device. */
@Tag("kvm")
@Tag("root")
@EnabledIf(value = "available", disabledReason = "needs root, /dev/net/tun and /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "ip", debian = "iproute2")
class MicroVmNetIT {
  private TapNamespace ns;

  static boolean available() {
    return Host.kvmAvailable() && Host.tapAvailable();
  }

  @BeforeEach
  void namespaceWithATap() throws Exception {
    ns = TapNamespace.create("updraft-vm-" + ProcessHandle.current().pid());
  }

  @AfterEach
  void removeNamespace() throws Exception {
    ns.close();
  }

  @Test
  void framesGoBothWaysThroughTheTap() throws Exception {
    NetConfig net =
        new NetConfig(
            "eth0",
            MacAddress.parse(TapNamespace.GUEST_MAC),
            0,
            RateLimiterConfig.UNLIMITED,
            RateLimiterConfig.UNLIMITED);
    String args = ns.guestArgs("hello-from-guest");
    try (DatagramChannel channel = ns.udpSocket();
        // The TAP is opened while the VM is built, so build it inside the namespace.
        GuestRun run =
            ns.inside(
                () ->
                    GuestRun.start(
                        GuestImages.pvh("net"), args, 1, 128, b -> b.net(net, TapNamespace.TAP)))) {
      assertThat(TapNamespace.receive(channel)).isEqualTo("hello-from-guest");
      TapNamespace.send(channel, "hello-from-host");
      assertThat(TapNamespace.receive(channel)).as("the guest's echo").isEqualTo("hello-from-host");
      GuestReport report =
          run.report().requirePassed("net-found", "net-send", "net-receive", "net-echo");
      assertThat(report.require("mac")).isEqualTo(TapNamespace.GUEST_MAC);
      assertThat(run.vm.metrics())
          .filteredOn(c -> c.group().equals("net_eth0"))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.snapshot().get("tx_packets_count")).isGreaterThanOrEqualTo(2);
                assertThat(c.snapshot().get("rx_packets_count")).isGreaterThanOrEqualTo(1);
              });
    }
  }
}
