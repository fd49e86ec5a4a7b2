package dev.updraft.vmm.api;

import java.io.Serial;

/** The API socket cannot be opened; the process ends with exit code 1, as Firecracker's does. */
final class ApiServerException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ApiServerException(String message) {
    super(message);
  }
}
