package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.TapNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's MMDS user guide against {@code updraft vm} on real KVM, with the freestanding mmds
 * guest in place of Linux: curl adds the network interface, configures MMDS V2 on it at
 * 169.254.170.2 and puts the guide's metadata; the guest, through virtio-net, gets an ARP answer, a
 * SYN-ACK, a session token and the metadata, and a 401 without the token. The VMM runs inside a
 * network namespace whose TAP never sees any of it.
 */
@Tag("kvm")
@Tag("root")
@EnabledIf(value = "available", disabledReason = "needs root, /dev/net/tun and /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
@NeedsProgram(value = "ip", debian = "iproute2")
class MmdsGuideIT {
  private static final String[] JSON = {"Content-Type: application/json"};
  private static final String METADATA =
      """
      {"latest": {"meta-data": {"ami-id": "ami-12345678", "reservation-id": "r-fea54097",
       "local-hostname": "ip-10-251-50-12.ec2.internal",
       "public-hostname": "ec2-203-0-113-25.compute-1.amazonaws.com"}}}
      """;

  @TempDir Path dir;
  private TapNamespace ns;
  private VmmOnKvm vmm;

  static boolean available() {
    return Host.kvmAvailable() && Host.tapAvailable();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (vmm != null) {
      vmm.close();
      System.out.println("console:\n" + vmm.consoleText());
    }
    if (ns != null) {
      ns.close();
    }
  }

  @Test
  void theGuestReachesTheMetadataThroughVirtioNet() throws Exception {
    ns = TapNamespace.create("updraft-mmdsvm-" + ProcessHandle.current().pid());
    // The VMM's log goes to a file of its own: written to stdout, a log line could split one of
    // the guest's report lines on the console.
    Path log = Files.createFile(dir.resolve("vmm.log"));
    vmm =
        VmmOnKvm.start(
            List.of("ip", "netns", "exec", ns.name()),
            dir.resolve("fc.sock"),
            dir.resolve("console.txt"),
            "--log-path",
            log.toString());
    assertThat(
            vmm.curl(
                "PUT",
                "/network-interfaces/eth0",
                "{\"iface_id\": \"eth0\", \"guest_mac\": \"AA:FC:00:00:00:01\", \"host_dev_name\":"
                    + " \"tap0\"}",
                JSON))
        .isEqualTo("204");
    assertThat(
            vmm.curl(
                "PUT",
                "/mmds/config",
                "{\"network_interfaces\": [\"eth0\"], \"version\": \"V2\", \"ipv4_address\":"
                    + " \"169.254.170.2\"}",
                JSON))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/mmds", METADATA, JSON)).isEqualTo("204");
    assertThat(
            vmm.curl(
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \""
                    + GuestImages.pvh("mmds")
                    + "\", \"boot_args\": \"console=ttyS0 reboot=k mmds_ip=169.254.170.2"
                    + " expect=ami-12345678\"}"))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isEqualTo("204");
    assertThat(vmm.curl("GET", "/mmds", null)).contains("\"ami-id\":\"ami-12345678\"");

    assertThat(vmm.awaitExit()).isZero();
    GuestReport report =
        GuestReport.parse(vmm.consoleText())
            .requirePassed(
                "mmds-found",
                "mmds-arp",
                "mmds-synack",
                "mmds-token",
                "mmds-get",
                "mmds-unauthorized",
                "mmds-close");
    assertThat(report.require("mmds_mac")).isEqualTo("06:01:23:45:67:01");
    assertThat(report.require("value")).isEqualTo("ami-12345678");
  }
}
