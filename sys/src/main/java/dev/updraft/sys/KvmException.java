package dev.updraft.sys;

import java.io.Serial;

/** KVM answered, but not what a VM needs (wrong API version, a missing capability, a refusal). */
public final class KvmException extends SysException {
  @Serial private static final long serialVersionUID = 1L;

  public KvmException(String message) {
    super(message, null);
  }
}
