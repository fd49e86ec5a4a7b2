package dev.updraft.vmm.api;

import java.io.Serial;

/**
 * A request the VMM refuses: the API answers 400 with this message as {@code fault_message}. The
 * message is complete, in Firecracker's wording where Firecracker has one.
 */
final class ApiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ApiException(String faultMessage) {
    super(faultMessage);
  }

  static ApiException notSupportedPreBoot() {
    return new ApiException(
        "The requested operation is not supported before starting the microVM.");
  }

  static ApiException notSupportedPostBoot() {
    return new ApiException("The requested operation is not supported after starting the microVM.");
  }

  static ApiException invalidPathMethod(String method, String path) {
    return new ApiException("Invalid request method and/or path: " + method + " " + path + ".");
  }
}
