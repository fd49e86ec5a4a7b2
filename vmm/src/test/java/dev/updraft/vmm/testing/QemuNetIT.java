package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The net guest under QEMU through a real TAP device in a network namespace the test makes, so the
 * guest's traffic never leaves it; the host's end is an ordinary UDP socket in that namespace.
 */
@Tag("kvm")
@Tag("root")
@EnabledIf(value = "available", disabledReason = "needs root, /dev/net/tun and /dev/kvm")
@NeedsProgram(value = Qemu.BINARY, debian = "qemu-system-x86")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "ip", debian = "iproute2")
class QemuNetIT {
  private TapNamespace ns;

  static boolean available() {
    return Host.kvmAvailable() && Host.tapAvailable();
  }

  @BeforeEach
  void namespaceWithATap() throws Exception {
    ns = TapNamespace.create("updraft-guest-" + ProcessHandle.current().pid());
  }

  @AfterEach
  void removeNamespace() throws Exception {
    ns.close();
  }

  @Test
  void framesGoBothWaysThroughATap() throws Exception {
    try (DatagramChannel channel = ns.udpSocket();
        Qemu qemu =
            Qemu.start(
                QemuGuestIT.guest("net")
                    .withPrefix("ip", "netns", "exec", ns.name())
                    .withCmdline(ns.guestArgs("hello-from-guest"))
                    .with(
                        "-netdev",
                        "tap,id=n0,ifname=" + TapNamespace.TAP + ",script=no,downscript=no",
                        "-device",
                        "virtio-net-device,netdev=n0,mac=" + TapNamespace.GUEST_MAC))) {
      assertThat(TapNamespace.receive(channel)).isEqualTo("hello-from-guest");
      TapNamespace.send(channel, "hello-from-host");
      assertThat(TapNamespace.receive(channel)).as("the guest's echo").isEqualTo("hello-from-host");

      Qemu.Result result = qemu.await(QemuGuestIT.TIMEOUT);
      System.out.printf("qemu guest net: %d ms wall%n", result.wall().toMillis());
      GuestReport report =
          result.report().requirePassed("net-found", "net-send", "net-receive", "net-echo");
      assertThat(report.require("recv")).isEqualTo("hello-from-host");
      assertThat(report.require("mac")).isEqualTo(TapNamespace.GUEST_MAC);
    }
  }
}
