package dev.updraft.cli;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.local.ServerBinaries;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Host;
import dev.updraft.sys.kvm.Kvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Inspects this machine for what each part of updraft needs: KVM for {@code vm}, TAP and netfilter
 * for networking, the anchors the benchmarks compare against, and the database servers and tools
 * {@code deploy} drives.
 */
final class Doctor {
  private record Tool(Check.Area area, String command, String purpose, String aptPackage) {}

  private static final List<Tool> TOOLS =
      List.of(
          new Tool(Check.Area.VM, "gcc", "builds the freestanding test guests", "gcc"),
          new Tool(
              Check.Area.VM, "qemu-system-x86_64", "benchmark anchor (microvm)", "qemu-system-x86"),
          new Tool(Check.Area.NETWORK, "ip", "TAP devices and network namespaces", "iproute2"),
          new Tool(Check.Area.NETWORK, "nft", "transparent-proxy REDIRECT rules", "nftables"),
          new Tool(Check.Area.MESH, "haproxy", "benchmark anchor", "haproxy"),
          new Tool(Check.Area.MESH, "nginx", "benchmark backend and anchor", "nginx"),
          new Tool(Check.Area.MESH, "wrk", "HTTP/1.1 load generator", "wrk"),
          new Tool(Check.Area.MESH, "h2load", "HTTP/2 load generator", "nghttp2-client"),
          new Tool(Check.Area.MESH, "curl", "API and smoke tests", "curl"),
          new Tool(Check.Area.DEPLOY, "kubectl", "Kubernetes target", "kubectl"),
          new Tool(Check.Area.DEPLOY, "terraform", "cloud infrastructure target", "terraform"));

  private Doctor() {}

  static List<Check> run() {
    List<Check> checks = new ArrayList<>();
    checks.add(java());
    checks.add(kvm());
    checks.add(tap());
    checks.addAll(servers());
    for (Tool tool : TOOLS) {
      checks.add(tool(tool));
    }
    // Stable sort: grouped by area in its declared order, checks keep their order within an area.
    checks.sort(Comparator.comparing(Check::area));
    return checks;
  }

  private static Check java() {
    Runtime.Version version = Runtime.version();
    String detail = "Java " + version + " (" + System.getProperty("java.vm.vendor") + ")";
    return version.feature() >= 25
        ? Check.ok(Check.Area.RUNTIME, "java", detail)
        : Check.missing(Check.Area.RUNTIME, "java", detail, "install a JDK 25 (Temurin 25)");
  }

  private static Check kvm() {
    Optional<String> backend = Host.kvmBackend();
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return Check.missing(
          Check.Area.VM,
          "kvm",
          "/dev/kvm is absent" + backend.map(b -> " (kernel module " + b + " loaded)").orElse(""),
          "updraft vm needs KVM: run on a host with /dev/kvm (bare metal or nested virtualisation)");
    }
    try {
      int api = Kvm.hostApiVersion();
      String detail = "/dev/kvm API " + api + backend.map(b -> ", backend " + b).orElse("");
      if ("kvm_pvm".equals(backend.orElse(""))) {
        return Check.warn(
            Check.Area.VM,
            "kvm",
            detail,
            "PVM emulates guest kernel mode (~1000x slower): small test guests run, Linux guests"
                + " do not boot in useful time");
      }
      return Check.ok(Check.Area.VM, "kvm", detail);
    } catch (ErrnoException e) {
      return Check.missing(
          Check.Area.VM, "kvm", e.getMessage(), "run as root or join the kvm group");
    }
  }

  private static Check tap() {
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      return Check.missing(Check.Area.NETWORK, "tap", "/dev/net/tun is absent", "modprobe tun");
    }
    return Host.isRoot()
        ? Check.ok(Check.Area.NETWORK, "tap", "/dev/net/tun, running as root")
        : Check.warn(
            Check.Area.NETWORK,
            "tap",
            "/dev/net/tun present, not root",
            "TAP creation needs CAP_NET_ADMIN");
  }

  /**
   * The database servers the local target runs: the source in force (pinned unless {@code
   * UPDRAFT_SERVER_BINARIES=host}) with its version, and what the other source would give.
   */
  private static List<Check> servers() {
    ServerBinaries binaries;
    try {
      binaries = ServerBinaries.of(System.getenv());
    } catch (DeployException e) {
      return List.of(Check.missing(Check.Area.DEPLOY, "servers", e.getMessage(), e.hint()));
    }
    List<Check> checks = new ArrayList<>();
    for (ServerBinaries.Choice choice : binaries.choices()) {
      ServerBinaries.Offer used = choice.chosen();
      ServerBinaries.Offer other = choice.other();
      String detail =
          used.version()
                  .map(v -> v + " " + used.source().word() + " (" + used.where() + ")")
                  .orElse(used.source().word() + ": " + used.where())
              + "; "
              + other.source().word()
              + ": "
              + other.version().map(v -> v + " (" + other.where() + ")").orElse(other.where())
              + (other.source() == ServerBinaries.Source.HOST
                  ? ", with " + ServerBinaries.VARIABLE + "=host"
                  : ", when " + ServerBinaries.VARIABLE + " is unset");
      checks.add(
          used.version().isPresent()
              ? Check.ok(Check.Area.DEPLOY, choice.engine().word(), detail)
              : Check.missing(
                  Check.Area.DEPLOY,
                  choice.engine().word(),
                  detail,
                  used.source() == ServerBinaries.Source.HOST
                      ? "apt-get install "
                          + ServerBinaries.aptPackage(choice.engine())
                          + ", or unset "
                          + ServerBinaries.VARIABLE
                      : "rebuild updraft: its class path lacks the pinned servers"));
    }
    return checks;
  }

  private static Check tool(Tool tool) {
    return Host.hasCommand(tool.command())
        ? Check.ok(tool.area(), tool.command(), tool.purpose())
        : Check.missing(
            tool.area(),
            tool.command(),
            tool.purpose() + ": not on PATH",
            "apt-get install " + tool.aptPackage());
  }
}
