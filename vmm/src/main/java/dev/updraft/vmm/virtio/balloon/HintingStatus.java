package dev.updraft.vmm.virtio.balloon;

/**
 * {@code GET /balloon/hinting/status} (Firecracker's {@code BalloonHintingStatus}).
 *
 * @param hostCmd the command id the host last set: 0 (STOP) before any run, 1 (DONE) after one
 *     ended, else the running one's id
 * @param guestCmd the command id the driver last sent, or null if it has sent none
 */
public record HintingStatus(long hostCmd, Long guestCmd) {
  public HintingStatus {
    if (hostCmd < 0 || hostCmd > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("host_cmd: " + hostCmd + " (expected: 0 to 4294967295)");
    }
    if (guestCmd != null && (guestCmd < 0 || guestCmd > 0xFFFF_FFFFL)) {
      throw new IllegalArgumentException(
          "guest_cmd: " + guestCmd + " (expected: 0 to 4294967295, or null)");
    }
  }
}
