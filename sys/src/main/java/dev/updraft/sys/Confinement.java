package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * What a jailer does to its own process before it execs the program it confines: a private mount
 * namespace with a new root, device nodes, resource limits, a new session, fewer credentials, and
 * the exec itself.
 *
 * <p>The mount namespace and root belong to the calling thread ({@code unshare(CLONE_NEWNS)} also
 * unshares the thread's filesystem context), so a JVM's other threads keep the host's view while
 * the calling thread prepares the jail; {@link #exec} then replaces the whole process with the
 * calling thread's view. Credentials change for every thread (glibc applies them process-wide).
 */
public final class Confinement {
  public static final int CLONE_NEWNS = 0x0002_0000;
  public static final int CLONE_NEWPID = 0x2000_0000;
  private static final long MS_RDONLY = 1;
  private static final long MS_NOSUID = 2;
  private static final long MS_REMOUNT = 32;
  private static final long MS_BIND = 4096;
  private static final long MS_REC = 16384;
  private static final long MS_SLAVE = 1L << 19;
  private static final int MNT_DETACH = 2;
  private static final int S_IFCHR = 0020000;
  private static final long SYS_PIVOT_ROOT = 155;
  private static final long SYS_CLOSE_RANGE = 436;
  private static final long CLOSE_RANGE_CLOEXEC = 1L << 2;

  /** The resources {@link #setLimit} takes (numbers from {@code <sys/resource.h>}). */
  public enum Resource {
    FSIZE(1),
    NOFILE(7);

    private final int number;

    Resource(int number) {
      this.number = number;
    }
  }

  private Confinement() {}

  /** Gives the calling thread its own mount namespace (and filesystem context). */
  public static void unshare(int flags) {
    try {
      int result = (int) Libc.Confine.UNSHARE.invokeExact(Native.errnoState(), flags);
      Native.check("unshare(0x" + Integer.toHexString(flags) + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("unshare", t);
    }
  }

  /**
   * Makes every mount in this namespace a slave of the host's, so nothing mounted in the jail
   * propagates back to the host.
   */
  public static void makeMountsSlave() {
    mount(null, Path.of("/"), MS_SLAVE | MS_REC, "mount(/, MS_SLAVE|MS_REC)");
  }

  /** Bind-mounts {@code source} on {@code target}, read-only and nosuid if asked. */
  public static void bind(Path source, Path target, boolean readOnly) {
    mount(source, target, MS_BIND | MS_REC, "mount(" + source + " -> " + target + ", MS_BIND)");
    if (readOnly) {
      // A bind mount ignores MS_RDONLY on creation; the remount applies it to this mount only.
      mount(
          null,
          target,
          MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID,
          "mount(" + target + ", MS_REMOUNT|MS_RDONLY)");
    }
  }

  /**
   * Makes {@code newRoot} the calling thread's root: {@code pivot_root} with the old root parked
   * under {@code newRoot/putOld}, then detached and its directory removed, so nothing of the host
   * stays reachable through it. {@code newRoot} must be a mount point (bind it on itself first).
   */
  public static void pivotRoot(Path newRoot, String putOld) {
    changeDirectory(newRoot);
    try (Arena arena = Arena.ofConfined()) {
      long result =
          (long)
              Libc.Confine.SYSCALL3.invokeExact(
                  Native.errnoState(),
                  SYS_PIVOT_ROOT,
                  arena.allocateFrom(".").address(),
                  arena.allocateFrom(putOld).address(),
                  0L);
      Native.check("pivot_root(" + newRoot + ")", result);
      changeDirectory(Path.of("/"));
      int umount =
          (int)
              Libc.Confine.UMOUNT2.invokeExact(
                  Native.errnoState(), arena.allocateFrom("/" + putOld), MNT_DETACH);
      Native.check("umount2(/" + putOld + ", MNT_DETACH)", umount);
    } catch (Throwable t) {
      throw Native.linkFailure("pivot_root", t);
    }
  }

  public static void changeDirectory(Path path) {
    try (Arena arena = Arena.ofConfined()) {
      int result =
          (int)
              Libc.Confine.CHDIR.invokeExact(
                  Native.errnoState(), arena.allocateFrom(path.toString()));
      Native.check("chdir(" + path + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("chdir", t);
    }
  }

  /** Creates a character device node. */
  public static void makeCharDevice(Path path, int permissions, int major, int minor) {
    long device =
        ((long) (major & 0xfff) << 8)
            | (minor & 0xff)
            | ((long) (minor & ~0xff) << 12)
            | ((long) (major & ~0xfff) << 32);
    try (Arena arena = Arena.ofConfined()) {
      int result =
          (int)
              Libc.Confine.MKNOD.invokeExact(
                  Native.errnoState(),
                  arena.allocateFrom(path.toString()),
                  S_IFCHR | permissions,
                  device);
      Native.check("mknod(" + path + ", " + major + ":" + minor + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("mknod", t);
    }
  }

  /** Sets a resource limit, soft and hard alike. */
  public static void setLimit(Resource resource, long value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment limit = arena.allocate(16, 8);
      limit.set(ValueLayout.JAVA_LONG, 0, value);
      limit.set(ValueLayout.JAVA_LONG, 8, value);
      int result =
          (int) Libc.Confine.SETRLIMIT.invokeExact(Native.errnoState(), resource.number, limit);
      Native.check("setrlimit(" + resource + ", " + value + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("setrlimit", t);
    }
  }

  /** Starts a new session; fails with EPERM in a process group leader. */
  public static void newSession() {
    try {
      int result = (int) Libc.Confine.SETSID.invokeExact(Native.errnoState());
      Native.check("setsid", result);
    } catch (Throwable t) {
      throw Native.linkFailure("setsid", t);
    }
  }

  /** Makes {@code target} a copy of {@code source} (dup2). */
  public static void duplicate(int source, int target) {
    try {
      int result = (int) Libc.Confine.DUP2.invokeExact(Native.errnoState(), source, target);
      Native.check("dup2(" + source + ", " + target + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("dup2", t);
    }
  }

  /**
   * Drops to {@code uid}/{@code gid} with no supplementary groups, real, effective and saved ids
   * alike, so the process cannot regain root.
   */
  public static void dropTo(int uid, int gid) {
    try {
      int groups =
          (int) Libc.Confine.SETGROUPS.invokeExact(Native.errnoState(), 0L, MemorySegment.NULL);
      Native.check("setgroups(0)", groups);
      int g = (int) Libc.Confine.SETRESGID.invokeExact(Native.errnoState(), gid, gid, gid);
      Native.check("setresgid(" + gid + ")", g);
      int u = (int) Libc.Confine.SETRESUID.invokeExact(Native.errnoState(), uid, uid, uid);
      Native.check("setresuid(" + uid + ")", u);
    } catch (Throwable t) {
      throw Native.linkFailure("setresuid", t);
    }
  }

  /**
   * Marks every descriptor from 3 up close-on-exec: the JVM still needs its own until the exec, and
   * none of them, nor any the jailer inherited, reaches the program it execs.
   */
  public static void closeOnExecFrom3() {
    try {
      long result =
          (long)
              Libc.Confine.SYSCALL3.invokeExact(
                  Native.errnoState(), SYS_CLOSE_RANGE, 3L, 0xffff_ffffL, CLOSE_RANGE_CLOEXEC);
      Native.check("close_range(3, ~0, CLOSE_RANGE_CLOEXEC)", result);
    } catch (Throwable t) {
      throw Native.linkFailure("close_range", t);
    }
  }

  /**
   * Replaces the process with {@code program}; returns only by throwing. The calling thread's root,
   * mount and network namespaces become the new program's.
   */
  public static void exec(Path program, List<String> argv, List<String> environment) {
    try (Arena arena = Arena.ofConfined()) {
      int result =
          (int)
              Libc.Confine.EXECVE.invokeExact(
                  Native.errnoState(),
                  arena.allocateFrom(program.toString()),
                  strings(arena, argv),
                  strings(arena, environment));
      Native.check("execve(" + program + ")", result);
      throw new IllegalStateException("execve returned " + result);
    } catch (Throwable t) {
      throw Native.linkFailure("execve", t);
    }
  }

  private static MemorySegment strings(Arena arena, List<String> values) {
    MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
    for (int i = 0; i < values.size(); i++) {
      array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
    }
    array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
    return array;
  }

  private static void mount(Path source, Path target, long flags, String call) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment src =
          source == null ? MemorySegment.NULL : arena.allocateFrom(source.toString());
      int result =
          (int)
              Libc.Confine.MOUNT.invokeExact(
                  Native.errnoState(),
                  src,
                  arena.allocateFrom(target.toString()),
                  MemorySegment.NULL,
                  flags,
                  MemorySegment.NULL);
      Native.check(call, result);
    } catch (Throwable t) {
      throw Native.linkFailure("mount", t);
    }
  }
}
