package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EpollTest {
  @Test
  void reportsReadyEventFdWithItsData() {
    try (Epoll epoll = Epoll.create();
        EventFd first = EventFd.create(0, EventFd.EFD_NONBLOCK);
        EventFd second = EventFd.create(0, EventFd.EFD_NONBLOCK);
        Epoll.Events ready = new Epoll.Events(4)) {
      epoll.add(first.fd(), Epoll.EPOLLIN, 41);
      epoll.add(second.fd(), Epoll.EPOLLIN, 0x1234_5678_9ABCL);
      assertThat(epoll.await(ready, 0)).isZero();

      second.write(1);
      assertThat(epoll.await(ready, 1000)).isEqualTo(1);
      assertThat(ready.data(0)).isEqualTo(0x1234_5678_9ABCL);
      assertThat(ready.events(0) & Epoll.EPOLLIN).isNotZero();
      assertThatThrownBy(() -> ready.data(1)).isInstanceOf(IndexOutOfBoundsException.class);

      epoll.remove(second.fd());
      assertThat(epoll.await(ready, 0)).isZero();
    }
  }

  @Test
  void waitsUntilAnotherThreadSignals() throws Exception {
    try (Epoll epoll = Epoll.create();
        EventFd event = EventFd.create();
        Epoll.Events ready = new Epoll.Events(1)) {
      epoll.add(event.fd(), Epoll.EPOLLIN, 7);
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    sleep(50);
                    event.write(1);
                  });
      assertThat(epoll.await(ready, 5000)).isEqualTo(1);
      assertThat(ready.data(0)).isEqualTo(7);
      writer.join();
    }
  }

  @Test
  void addingTwiceIsAnError() {
    try (Epoll epoll = Epoll.create();
        EventFd event = EventFd.create()) {
      epoll.add(event.fd(), Epoll.EPOLLIN, 1);
      assertThatThrownBy(() -> epoll.add(event.fd(), Epoll.EPOLLIN, 1))
          .isInstanceOfSatisfying(
              ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST))
          .hasMessageStartingWith("epoll_ctl(EPOLL_CTL_ADD, eventfd) failed: EEXIST");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
