package dev.updraft.vmm.runtime;

import java.io.Serial;

/**
 * The microVM could not be built or started. The API answers {@code InstanceStart} with 400 and
 * {@code "Start microvm error: " + getMessage()} as the fault message, so the message should say
 * what is wrong in the user's terms, e.g. {@code "kernel_image_path: /vmlinux is neither an ELF
 * vmlinux nor a bzImage"}.
 */
public final class VmStartException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public VmStartException(String message) {
    super(message);
  }

  public VmStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
