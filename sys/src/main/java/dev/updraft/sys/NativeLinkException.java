package dev.updraft.sys;

import java.io.Serial;

/** A libc symbol could not be found or a downcall failed in the JVM, not in the kernel. */
public final class NativeLinkException extends SysException {
  @Serial private static final long serialVersionUID = 1L;

  NativeLinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
