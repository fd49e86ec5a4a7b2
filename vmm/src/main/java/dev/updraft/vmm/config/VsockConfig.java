package dev.updraft.vmm.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /vsock}: a virtio-vsock device whose host side is Unix sockets: the VMM listens at {@code
 * udsPath} for host-initiated connections and connects to {@code <udsPath>_<port>} for the guest's.
 *
 * @param vsockId Firecracker's deprecated id, kept only to be accepted; or null
 * @param guestCid the guest's context id, 3 to 2^32 - 1 (0 to 2 are reserved)
 * @param udsPath where the VMM creates its listening socket; it must fit {@code sockaddr_un} with
 *     room for the {@code _<port>} suffix of guest connections
 */
public record VsockConfig(String vsockId, long guestCid, Path udsPath) {
  public static final long MIN_GUEST_CID = 3;
  public static final long MAX_GUEST_CID = 0xFFFF_FFFFL;

  /** {@code sockaddr_un.sun_path} less its NUL. */
  public static final int MAX_PATH_BYTES = 107;

  /** The longest suffix a guest connection adds: {@code _4294967295}. */
  private static final int PORT_SUFFIX_BYTES = 11;

  public VsockConfig {
    if (guestCid < MIN_GUEST_CID || guestCid > MAX_GUEST_CID) {
      throw ConfigException.of(
          "guest_cid", guestCid, MIN_GUEST_CID + " to " + MAX_GUEST_CID + " (0 to 2 are reserved)");
    }
    Objects.requireNonNull(udsPath, "uds_path");
    int bytes = udsPath.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES - PORT_SUFFIX_BYTES) {
      throw ConfigException.of(
          "uds_path",
          udsPath + " (" + bytes + " bytes)",
          "at most "
              + (MAX_PATH_BYTES - PORT_SUFFIX_BYTES)
              + " bytes, so that <uds_path>_<port> fits a Unix socket address");
    }
  }
}
