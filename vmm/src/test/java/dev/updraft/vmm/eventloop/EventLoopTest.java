package dev.updraft.vmm.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.EventFd;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopTest {
  @Test
  void runsFdHandlersTimersAndTasksOnItsThread() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<RuntimeException> errors = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    try (EventLoop loop = new EventLoop(errors::add);
        EventFd doorbell = EventFd.create(0, EventFd.EFD_NONBLOCK)) {
      loop.register(
          doorbell.fd(),
          Epoll.EPOLLIN,
          ready -> {
            seen.add("fd " + doorbell.tryRead() + " " + loop.inLoop());
            done.countDown();
          });
      Thread thread = Thread.ofPlatform().start(loop::run);
      loop.execute(
          () -> {
            seen.add("task " + loop.inLoop());
            loop.schedule(
                20_000_000,
                () -> {
                  seen.add("timer");
                  done.countDown();
                });
            EventLoop.Cancellable never = loop.schedule(10_000_000, () -> seen.add("cancelled"));
            never.cancel();
            done.countDown();
          });
      doorbell.write(2);
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      loop.stop();
      thread.join(5000);
    }
    assertThat(seen).contains("task true", "fd 2 true", "timer").doesNotContain("cancelled");
    assertThat(errors).isEmpty();
  }

  @Test
  void aThrowingHandlerIsReportedAndTheLoopGoesOn() throws Exception {
    List<RuntimeException> errors = new CopyOnWriteArrayList<>();
    CountDownLatch after = new CountDownLatch(1);
    try (EventLoop loop = new EventLoop(errors::add)) {
      Thread thread = Thread.ofPlatform().start(loop::run);
      loop.execute(
          () -> {
            throw new IllegalStateException("device bug");
          });
      loop.execute(after::countDown);
      assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
      loop.stop();
      thread.join(5000);
    }
    assertThat(errors).singleElement().hasFieldOrPropertyWithValue("message", "device bug");
  }
}
