package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.net.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code /network-interfaces/{iface_id}}: a virtio-net device backed by a host TAP device.
 *
 * @param ifaceId letters, digits and underscores
 * @param hostDevName the TAP device's name on the host (at most 15 bytes, Linux's IFNAMSIZ - 1)
 * @param guestMac the guest's MAC address, or null to let the guest pick one
 * @param mtu the MTU advertised with VIRTIO_NET_F_MTU (68 to 65535), or null for none
 * @param rxRateLimiter limits on frames to the guest, or null
 * @param txRateLimiter limits on frames from the guest, or null
 */
public record NetworkInterface(
    String ifaceId,
    String hostDevName,
    MacAddress guestMac,
    Integer mtu,
    RateLimiterConfig rxRateLimiter,
    RateLimiterConfig txRateLimiter) {
  public static final int MAX_HOST_DEV_NAME_BYTES = 15;
  public static final int MIN_MTU = 68;
  public static final int MAX_MTU = 65535;

  public NetworkInterface {
    ResourceId.check("iface_id", ifaceId);
    checkHostDevName(hostDevName);
    if (mtu != null && (mtu < MIN_MTU || mtu > MAX_MTU)) {
      throw ConfigException.of("mtu", mtu, MIN_MTU + " to " + MAX_MTU);
    }
  }

  /**
   * Returns {@code hostDevName} if it can name a Linux interface.
   *
   * @throws ConfigException otherwise
   */
  public static String checkHostDevName(String hostDevName) {
    Objects.requireNonNull(hostDevName, "host_dev_name");
    int length = hostDevName.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0
        || length > MAX_HOST_DEV_NAME_BYTES
        || hostDevName.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))
        || hostDevName.equals(".")
        || hostDevName.equals("..")) {
      throw ConfigException.of(
          "host_dev_name",
          '"' + hostDevName + '"',
          "a Linux interface name of 1 to " + MAX_HOST_DEV_NAME_BYTES + " bytes");
    }
    return hostDevName;
  }

  /** This interface with the limiters {@code update} sets replaced (PATCH semantics). */
  public NetworkInterface with(NetworkInterfaceUpdate update) {
    return new NetworkInterface(
        ifaceId,
        hostDevName,
        guestMac,
        mtu,
        RateLimiterConfig.patched(rxRateLimiter, update.rxRateLimiter()),
        RateLimiterConfig.patched(txRateLimiter, update.txRateLimiter()));
  }
}
