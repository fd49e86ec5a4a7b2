package dev.updraft.vmm.arch;

import java.io.Serial;

/**
 * A guest resource (GSI, MMIO window, system memory) ran out: the VM asks for more devices or
 * tables than Firecracker's layout has room for. A configuration error, never a guest's doing.
 */
public final class AllocationException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public AllocationException(String message) {
    super(message);
  }
}
