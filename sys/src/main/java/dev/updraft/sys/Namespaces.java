package dev.updraft.sys;

import java.nio.file.Path;

/** Linux namespaces: moving the calling thread into another network namespace. */
public final class Namespaces {
  public static final int CLONE_NEWNET = 0x40000000;

  private Namespaces() {}

  /**
   * Moves the calling platform thread into the network namespace at {@code path} (e.g. {@code
   * /run/netns/NAME} or {@code /proc/PID/ns/net}). Sockets that the thread creates afterwards live
   * there; other threads are not affected. Needs CAP_SYS_ADMIN.
   */
  public static void enterNetwork(Path path) {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "enterNetwork: called on a virtual thread (expected: a platform thread, since a virtual"
              + " thread can move between carrier threads)");
    }
    try (Fd ns = Fd.open(path, OpenFlags.O_RDONLY)) {
      int result =
          (int) Libc.Process.SETNS.invokeExact(Native.errnoState(), ns.value(), CLONE_NEWNET);
      Native.check("setns(" + path + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("setns", t);
    }
  }
}
