package dev.updraft.vmm.core;

import java.io.Serial;

/** The host cannot build or run the microVM (no KVM, a missing capability, a KVM refusal). */
public final class MachineException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public MachineException(String message) {
    super(message);
  }

  public MachineException(String message, Throwable cause) {
    super(message, cause);
  }
}
