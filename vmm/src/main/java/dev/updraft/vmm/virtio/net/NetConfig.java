package dev.updraft.vmm.virtio.net;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import java.util.Objects;

/**
 * A network interface as the API configures it ({@code PUT /network-interfaces/{iface_id}}).
 *
 * @param ifaceId the interface id (the metrics group is {@code net_<iface_id>})
 * @param guestMac the MAC address offered to the guest (VIRTIO_NET_F_MAC), or null for none
 * @param mtu the MTU offered to the guest (VIRTIO_NET_F_MTU), or 0 for none
 * @param rxRateLimiter limits on frames and bytes the guest receives
 * @param txRateLimiter limits on frames and bytes the guest sends
 */
public record NetConfig(
    String ifaceId,
    MacAddress guestMac,
    int mtu,
    RateLimiterConfig rxRateLimiter,
    RateLimiterConfig txRateLimiter) {
  public NetConfig {
    Objects.requireNonNull(ifaceId, "ifaceId");
    if (ifaceId.isBlank()) {
      throw new IllegalArgumentException("iface_id: \"" + ifaceId + "\" (expected: not blank)");
    }
    if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
      throw new IllegalArgumentException("mtu: " + mtu + " (expected: 68..65535, or unset)");
    }
    Objects.requireNonNull(rxRateLimiter, "rxRateLimiter");
    Objects.requireNonNull(txRateLimiter, "txRateLimiter");
  }
}
