package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A {@code pipe2(2)}: what {@link #writer()} gets, {@link #reader()} reads, in order. */
public record Pipe(Fd reader, Fd writer) implements AutoCloseable {
  /** A new pipe whose ends are close-on-exec, with extra {@link OpenFlags} such as O_NONBLOCK. */
  public static Pipe create(int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
      int result =
          (int)
              Libc.Events.PIPE2.invokeExact(Native.errnoState(), fds, flags | OpenFlags.O_CLOEXEC);
      Native.check("pipe2", result);
      return new Pipe(
          Fd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 0), "pipe-read"),
          Fd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 1), "pipe-write"));
    } catch (Throwable t) {
      throw Native.linkFailure("pipe2", t);
    }
  }

  @Override
  public void close() {
    reader.close();
    writer.close();
  }
}
