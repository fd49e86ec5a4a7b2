package dev.updraft.vmm.core;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.sys.UnixSockets;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.virtio.vsock.HostStream;
import dev.updraft.vmm.virtio.vsock.VsockHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * The vsock device's host side on Unix sockets and the VMM's event loop (Firecracker's {@code
 * VsockUnixBackend}): a listening socket at {@code uds_path}, created when the VM is built and
 * removed when it ends, and connections to {@code <uds_path>_<port>}. Every socket is non-blocking
 * and watched level-triggered; registration and closing always happen on the loop thread, so a
 * descriptor number is never reused while the loop still maps it to an old handler.
 */
final class UnixVsockHost implements VsockHost, AutoCloseable {
  private static final int BACKLOG = 128;
  private static final int HANG_UP = Epoll.EPOLLHUP | Epoll.EPOLLERR | Epoll.EPOLLRDHUP;

  private final Path udsPath;
  private final EventLoop loop;
  private final Fd listener;
  // Every connection still open, so that the VM's end closes them all (the loop has stopped).
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private boolean listenerWatched;
  private Runnable onConnection;

  private UnixVsockHost(Path udsPath, EventLoop loop, Fd listener) {
    this.udsPath = udsPath;
    this.loop = loop;
    this.listener = listener;
  }

  /** Creates the listening socket at {@code udsPath}. */
  static UnixVsockHost bind(Path udsPath, EventLoop loop) {
    try {
      return new UnixVsockHost(
          udsPath, loop, UnixSockets.listen(udsPath, BACKLOG, UnixSockets.Mode.NON_BLOCKING));
    } catch (ErrnoException | IllegalArgumentException e) {
      throw new MachineException(
          "uds_path: "
              + udsPath
              + ": "
              + e.getMessage()
              + " (expected: a path where the VMM can create its vsock socket)",
          e);
    }
  }

  @Override
  public void listen(Runnable callback) {
    onLoop(
        () -> {
          onConnection = callback;
          if (!listenerWatched && listener.isOpen()) {
            loop.register(
                listener,
                Epoll.EPOLLIN,
                ready -> {
                  if (onConnection != null) {
                    onConnection.run();
                  }
                });
            listenerWatched = true;
          }
        });
  }

  @Override
  public void stopListening() {
    onLoop(
        () -> {
          onConnection = null;
          if (listenerWatched) {
            loop.unregister(listener);
            listenerWatched = false;
          }
        });
  }

  @Override
  public HostStream accept() throws IOException {
    try {
      Fd accepted = UnixSockets.accept(listener);
      return accepted == null ? null : new Socket(accepted);
    } catch (ErrnoException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public HostStream connect(long port) throws IOException {
    try {
      return new Socket(
          UnixSockets.connect(Path.of(udsPath + "_" + port), UnixSockets.Mode.NON_BLOCKING));
    } catch (ErrnoException | IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void watch(HostStream stream, int interest, IntConsumer onReady) {
    Socket socket = (Socket) stream;
    onLoop(() -> socket.watch(interest, onReady));
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    loop.schedule(delay, task);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /** Closes the listener and every connection and removes the socket file (the VM ended). */
  @Override
  public void close() {
    for (Socket socket : sockets) {
      socket.fd.close();
    }
    sockets.clear();
    listener.close();
    try {
      Files.deleteIfExists(udsPath);
    } catch (IOException e) {
      // The VM is going away; a stale socket file only makes the next bind fail visibly.
    }
  }

  private void onLoop(Runnable task) {
    if (loop.inLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** One connected Unix socket. */
  private final class Socket implements HostStream {
    private final Fd fd;
    private int interest;
    private IntConsumer onReady;

    Socket(Fd fd) {
      this.fd = fd;
      sockets.add(this);
    }

    void watch(int newInterest, IntConsumer callback) {
      if (!fd.isOpen()) {
        return;
      }
      onReady = callback;
      int events =
          ((newInterest & READABLE) != 0 ? Epoll.EPOLLIN | Epoll.EPOLLRDHUP : 0)
              | ((newInterest & WRITABLE) != 0 ? Epoll.EPOLLOUT : 0);
      if (newInterest == 0) {
        if (interest != 0) {
          loop.unregister(fd);
        }
      } else if (interest == 0) {
        loop.register(fd, events, this::ready);
      } else {
        loop.modify(fd, events);
      }
      interest = newInterest;
    }

    private void ready(int events) {
      // A hang-up or an error is reported as what is watched: the read or write then finds it.
      boolean broken = (events & HANG_UP) != 0;
      int ready =
          ((interest & READABLE) != 0 && (broken || (events & Epoll.EPOLLIN) != 0) ? READABLE : 0)
              | ((interest & WRITABLE) != 0 && (broken || (events & Epoll.EPOLLOUT) != 0)
                  ? WRITABLE
                  : 0);
      if (ready != 0 && onReady != null) {
        onReady.accept(ready);
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      try {
        return UnixSockets.recv(fd, dst);
      } catch (ErrnoException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      try {
        return UnixSockets.send(fd, src);
      } catch (ErrnoException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      onLoop(
          () -> {
            if (interest != 0 && fd.isOpen()) {
              loop.unregister(fd);
            }
            interest = 0;
            fd.close();
            sockets.remove(this);
          });
    }
  }
}
