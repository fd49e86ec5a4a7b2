package dev.updraft.vmm.config;

import dev.updraft.vmm.dumbo.Ipv4Address;
import dev.updraft.vmm.mmds.MmdsVersion;
import java.util.List;
import java.util.Objects;

/**
 * {@code /mmds/config}: how the guest reaches the metadata service.
 *
 * @param version V1 (no session tokens, deprecated) or V2
 * @param networkInterfaces the interfaces whose traffic to the address goes to the MMDS; at least
 *     one, each a configured interface (checked against the configuration when set)
 * @param ipv4Address a link-local address (RFC 3927): 169.254.1.0 to 169.254.254.255
 * @param imdsCompat answer in EC2's IMDS text format whatever the Accept header
 */
public record MmdsConfig(
    MmdsVersion version,
    List<String> networkInterfaces,
    Ipv4Address ipv4Address,
    boolean imdsCompat) {
  /** Firecracker's default address, 169.254.169.254. */
  public static final Ipv4Address DEFAULT_ADDRESS = new Ipv4Address(0xA9FE_A9FE);

  public MmdsConfig {
    Objects.requireNonNull(version, "version");
    networkInterfaces = List.copyOf(networkInterfaces);
    if (networkInterfaces.isEmpty()) {
      throw ConfigException.of(
          "network_interfaces", "[]", "the id of at least one network interface");
    }
    for (String id : networkInterfaces) {
      ResourceId.check("network_interfaces", id);
    }
    Objects.requireNonNull(ipv4Address, "ipv4_address");
    boolean linkLocal =
        ipv4Address.octet(0) == 169
            && ipv4Address.octet(1) == 254
            && ipv4Address.octet(2) >= 1
            && ipv4Address.octet(2) <= 254;
    if (!linkLocal) {
      throw ConfigException.of(
          "ipv4_address",
          ipv4Address,
          "a link-local address from 169.254.1.0 to 169.254.254.255 (RFC 3927)");
    }
  }
}
