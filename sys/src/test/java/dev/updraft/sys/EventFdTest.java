package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventFdTest {
  @Test
  void writesAddUpAndReadResets() {
    try (EventFd event = EventFd.create(0, EventFd.EFD_NONBLOCK)) {
      event.write(3);
      event.write(4);
      assertThat(event.read()).isEqualTo(7);
      assertThatThrownBy(event::read)
          .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.wouldBlock()).isTrue());
    }
  }

  @Test
  void semaphoreModeHandsOutOneAtATime() {
    try (EventFd event = EventFd.create(2, EventFd.EFD_SEMAPHORE | EventFd.EFD_NONBLOCK)) {
      assertThat(event.read()).isEqualTo(1);
      assertThat(event.read()).isEqualTo(1);
      assertThatThrownBy(event::read).isInstanceOf(ErrnoException.class);
    }
  }

  @Test
  void blockingReadWakesWhenAnotherThreadWrites() throws Exception {
    try (EventFd event = EventFd.create()) {
      Thread writer = Thread.ofPlatform().start(() -> event.write(5));
      assertThat(event.read()).isEqualTo(5);
      writer.join();
    }
  }

  @Test
  void rejectsValuesTheKernelWouldRefuse() {
    try (EventFd event = EventFd.create()) {
      assertThatThrownBy(() -> event.write(0)).hasMessage("value: 0 (expected: > 0)");
    }
    assertThatThrownBy(() -> EventFd.create(-1, 0)).hasMessage("initialValue: -1 (expected: >= 0)");
  }
}
