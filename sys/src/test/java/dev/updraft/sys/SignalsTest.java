package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalsTest {
  @Test
  void kickEndsABlockingCallWithEintr() throws Exception {
    try (EventFd never = EventFd.create()) {
      CompletableFuture<Integer> tid = new CompletableFuture<>();
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread blocked =
          Thread.ofPlatform()
              .start(
                  () -> {
                    tid.complete(Signals.currentThreadId());
                    try {
                      never.read();
                      outcome.complete(null);
                    } catch (Throwable t) {
                      outcome.complete(t);
                    }
                  });
      int target = tid.get(5, TimeUnit.SECONDS);
      // A kick that lands before the thread enters read(2) is absorbed, so keep kicking.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!outcome.isDone() && System.nanoTime() < deadline) {
        Signals.kick(target);
        Thread.sleep(5);
      }
      assertThat(outcome.get(1, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ErrnoException.class,
              e -> {
                assertThat(e.interrupted()).isTrue();
                assertThat(e.call()).isEqualTo("read(eventfd)");
              });
      blocked.join();
    }
  }

  @Test
  void kickSignalIsARealTimeSignalAndStable() {
    int signal = Signals.kickSignal();
    assertThat(signal).isBetween(34, 64);
    assertThat(Signals.kickSignal()).isEqualTo(signal);
    assertThat(Signals.processId()).isEqualTo((int) ProcessHandle.current().pid());
    assertThat(Signals.currentThreadId()).isPositive();
  }
}
