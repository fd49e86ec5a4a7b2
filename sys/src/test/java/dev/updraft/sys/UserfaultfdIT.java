package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A userfaultfd serving the faults of this process's own memory from another thread, as a snapshot
 * restore's page-fault handler serves the VMM's: the faulting read blocks until the handler copies
 * the page in, and a removed range faults again. The faults are taken by the kernel (a write of the
 * memory to a pipe), as KVM takes a guest's: a Java thread blocked in a fault of its own could not
 * reach a safepoint, and one the JVM asks for meanwhile would stop the handler too.
 */
@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#userfaultfdAvailable",
    disabledReason = "needs root (or vm.unprivileged_userfaultfd=1) for userfaultfd")
class UserfaultfdIT {
  private static final int PAGE = MappedMemory.PAGE_SIZE;

  @Test
  void faultsAreServedByCopyingPagesFromAnotherMapping() throws Exception {
    try (MappedMemory source = MappedMemory.anonymous(8 * PAGE);
        MappedMemory guest = MappedMemory.anonymous(8 * PAGE);
        Userfaultfd uffd = Userfaultfd.create(Userfaultfd.FEATURE_EVENT_REMOVE)) {
      for (int page = 0; page < 8; page++) {
        source.putLong((long) page * PAGE, 1000 + page);
      }
      uffd.register(guest.address(), guest.size());
      List<UffdEvent> seen = new ArrayList<>();
      CompletableFuture<Void> handler =
          CompletableFuture.runAsync(() -> serve(uffd, source, guest.address(), seen, 3));

      try (Pipe pipe = Pipe.create(0)) {
        assertThat(readThroughKernel(pipe, guest, 5L * PAGE)).isEqualTo(1005);
        assertThat(readThroughKernel(pipe, guest, 2L * PAGE)).isEqualTo(1002);
        assertThat(guest.getLong(5L * PAGE + 8)).as("the page stays").isZero();
        guest.madvise(2L * PAGE, PAGE, MappedMemory.MADV_DONTNEED);
        assertThat(readThroughKernel(pipe, guest, 2L * PAGE))
            .as("a removed page faults again")
            .isEqualTo(1002);
      }
      handler.get(10, TimeUnit.SECONDS);
      assertThat(seen)
          .filteredOn(e -> e instanceof UffdEvent.PageFault)
          .extracting(e -> ((UffdEvent.PageFault) e).address() - guest.address())
          .containsExactly(5L * PAGE, 2L * PAGE, 2L * PAGE);
      assertThat(seen).anySatisfy(e -> assertThat(e).isInstanceOf(UffdEvent.Remove.class));
    }
  }

  /** The long at {@code offset}, read by the kernel (write(2) from that memory to a pipe). */
  private static long readThroughKernel(Pipe pipe, MappedMemory memory, long offset) {
    assertThat(pipe.writer().write(memory.slice(offset, 8))).isEqualTo(8);
    java.nio.ByteBuffer copy =
        java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(pipe.reader().read(copy)).isEqualTo(8);
    return copy.getLong(0);
  }

  private static void serve(
      Userfaultfd uffd, MappedMemory source, long base, List<UffdEvent> seen, int faults) {
    try (Epoll epoll = Epoll.create();
        Epoll.Events ready = new Epoll.Events(1)) {
      epoll.add(uffd.fd(), Epoll.EPOLLIN, 0);
      int served = 0;
      while (served < faults) {
        epoll.await(ready, 10_000);
        var event = uffd.readEvent();
        if (event.isEmpty()) {
          continue;
        }
        seen.add(event.get());
        if (event.get() instanceof UffdEvent.PageFault fault) {
          long page = (fault.address() - base) & ~(long) (PAGE - 1);
          while (!uffd.copy(base + page, source, page, PAGE)) {
            Thread.onSpinWait();
          }
          served++;
        }
      }
    }
  }
}
