package dev.updraft.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Method handles for the libc functions the sys classes wrap, linked on first use of their group (a
 * holder class each): creating a downcall stub costs milliseconds at start-up, and the VMM's API
 * must answer before most of them are needed. Every handle that can fail captures errno (its first
 * parameter is {@link Native#errnoState()}); callers go through the typed wrappers, never through
 * these handles directly.
 */
final class Libc {
  /** Open, close, read, write. */
  static final class FileIo {
    // int open(const char *path, int flags, ... /* mode_t mode */)
    static final MethodHandle OPEN =
        Native.errnoCallVariadic(
            "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    static final MethodHandle CLOSE =
        Native.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle READ =
        Native.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE =
        Native.errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private FileIo() {}
  }

  /** Positioned I/O, truncation, sync. */
  static final class Positional {
    static final MethodHandle PREAD =
        Native.errnoCall(
            "pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle PWRITE =
        Native.errnoCall(
            "pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle FTRUNCATE =
        Native.errnoCall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    static final MethodHandle FALLOCATE =
        Native.errnoCall(
            "fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle FSYNC =
        Native.errnoCall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle FDATASYNC =
        Native.errnoCall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle LSEEK =
        Native.errnoCall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));

    private Positional() {}
  }

  /** Ioctl. */
  static final class Ioctls {
    // int ioctl(int fd, unsigned long request, ...): the third argument is variadic, so it must be
    // linked as such or the System V ABI may pass it in the wrong register class.
    static final MethodHandle IOCTL_PTR =
        Native.errnoCallVariadic(
            "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    static final MethodHandle IOCTL_LONG =
        Native.errnoCallVariadic(
            "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);

    private Ioctls() {}
  }

  /** Mappings and memfd. */
  static final class Memory {
    static final MethodHandle MMAP =
        Native.errnoCall(
            "mmap",
            FunctionDescriptor.of(
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    static final MethodHandle MUNMAP =
        Native.errnoCall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle MADVISE =
        Native.errnoCall("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle MSYNC =
        Native.errnoCall("msync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle MEMFD_CREATE =
        Native.errnoCall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle MINCORE =
        Native.errnoCall("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    // long syscall(long number, ...): glibc has no userfaultfd() wrapper.
    static final MethodHandle SYSCALL_INT =
        Native.errnoCallVariadic(
            "syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT), 1);

    private Memory() {}
  }

  /** Pipes, eventfd, epoll. */
  static final class Events {
    static final MethodHandle PIPE2 =
        Native.errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle EVENTFD =
        Native.errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle EPOLL_CREATE1 =
        Native.errnoCall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle EPOLL_CTL =
        Native.errnoCall(
            "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EPOLL_WAIT =
        Native.errnoCall(
            "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private Events() {}
  }

  /** Sockets. */
  static final class Net {
    static final MethodHandle SOCKET =
        Native.errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle BIND =
        Native.errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle LISTEN =
        Native.errnoCall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle ACCEPT4 =
        Native.errnoCall(
            "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle GETSOCKOPT =
        Native.errnoCall(
            "getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle GETSOCKNAME =
        Native.errnoCall(
            "getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle CONNECT =
        Native.errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle RECV =
        Native.errnoCall(
            "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle SEND =
        Native.errnoCall(
            "send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle SHUTDOWN =
        Native.errnoCall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SENDMSG =
        Native.errnoCall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle RECVMSG =
        Native.errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private Net() {}
  }

  /** Signals and thread kicks. */
  static final class Signal {
    static final MethodHandle SIGACTION =
        Native.errnoCall("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle TGKILL =
        Native.errnoCall("tgkill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SIGRTMIN =
        Native.plainCall("__libc_current_sigrtmin", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle SIGRTMAX =
        Native.plainCall("__libc_current_sigrtmax", FunctionDescriptor.of(JAVA_INT));

    private Signal() {}
  }

  /** Namespaces and ids. */
  static final class Process {
    static final MethodHandle SETNS =
        Native.errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle GETTID = Native.plainCall("gettid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle GETPID = Native.plainCall("getpid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle GETEUID =
        Native.plainCall("geteuid", FunctionDescriptor.of(JAVA_INT));

    private Process() {}
  }

  /** Mount namespaces, roots, devices, credentials and exec: what a jailer does before exec. */
  static final class Confine {
    static final MethodHandle UNSHARE =
        Native.errnoCall("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle MOUNT =
        Native.errnoCall(
            "mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle UMOUNT2 =
        Native.errnoCall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle CHDIR =
        Native.errnoCall("chdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MKNOD =
        Native.errnoCall("mknod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    static final MethodHandle SETGROUPS =
        Native.errnoCall("setgroups", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle SETRESGID =
        Native.errnoCall(
            "setresgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SETRESUID =
        Native.errnoCall(
            "setresuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SETSID = Native.errnoCall("setsid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle DUP2 =
        Native.errnoCall("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SETRLIMIT =
        Native.errnoCall("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EXECVE =
        Native.errnoCall("execve", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle PRCTL =
        Native.errnoCallVariadic(
            "prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            1);
    // long syscall(long number, ...): for calls glibc does not wrap (pivot_root, seccomp,
    // close_range on older glibc).
    static final MethodHandle SYSCALL3 =
        Native.errnoCallVariadic(
            "syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            1);

    static final MethodHandle EXIT = Native.plainCall("_exit", FunctionDescriptor.ofVoid(JAVA_INT));

    private Confine() {}
  }

  private Libc() {}
}
