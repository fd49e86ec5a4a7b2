package dev.updraft.sys;

import java.io.Serial;

/**
 * A system call returned an error. Carries the call as the caller named it (for example {@code
 * ioctl(KVM_CREATE_VCPU)}), the errno number and its symbolic name, so the message reads {@code
 * ioctl(KVM_CREATE_VCPU) failed: EINVAL (22): Invalid argument}.
 */
public final class ErrnoException extends SysException {
  @Serial private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  public ErrnoException(String call, int errno) {
    super(
        call + " failed: " + Errno.name(errno) + " (" + errno + "): " + Errno.describe(errno),
        null);
    this.call = call;
    this.errno = errno;
  }

  /** The call that failed, with its argument of interest, e.g. {@code open(/dev/kvm)}. */
  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }

  /** The symbolic errno name, e.g. {@code EINVAL}. */
  public String errnoName() {
    return Errno.name(errno);
  }

  /** Whether the call was interrupted by a signal (the thread was kicked). */
  public boolean interrupted() {
    return errno == Errno.EINTR;
  }

  /** Whether a non-blocking call found nothing to do. */
  public boolean wouldBlock() {
    return errno == Errno.EAGAIN;
  }
}
