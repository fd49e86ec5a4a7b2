package dev.updraft.sys;

/** Root of every failure the sys layer reports; unchecked, like the rest of updraft's errors. */
public abstract sealed class SysException extends RuntimeException
    permits ErrnoException, KvmException, NativeLinkException {
  private static final long serialVersionUID = 1L;

  SysException(String message, Throwable cause) {
    super(message, cause);
  }
}
