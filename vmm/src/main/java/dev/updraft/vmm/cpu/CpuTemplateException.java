package dev.updraft.vmm.cpu;

import java.io.Serial;

/** A CPU template that this host cannot honour: a CPUID leaf or MSR KVM does not have. */
public final class CpuTemplateException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public CpuTemplateException(String message) {
    super(message);
  }
}
