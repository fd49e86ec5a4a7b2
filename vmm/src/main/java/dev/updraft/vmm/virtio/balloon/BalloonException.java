package dev.updraft.vmm.virtio.balloon;

import java.io.Serial;

/** A balloon request the device refuses, worded as Firecracker's {@code BalloonError}. */
public final class BalloonException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  BalloonException(String message) {
    super(message);
  }

  public static BalloonException notActive() {
    return new BalloonException("Device not activated yet.");
  }

  public static BalloonException hintingNotEnabled() {
    return new BalloonException("Attempting to use hinting when not enabled");
  }

  public static BalloonException statisticsDisabled() {
    return new BalloonException("Received stats query when stats are disabled.");
  }

  public static BalloonException statisticsStateChange() {
    return new BalloonException("Statistics cannot be enabled/disabled after activation.");
  }

  public static BalloonException tooMuchMemory(long amountMib) {
    return new BalloonException("Requested memory should be less than " + amountMib + "MiB");
  }
}
