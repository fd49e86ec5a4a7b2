package dev.updraft.vmm.virtio.vsock;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * A host for tests: host processes are {@link FakeStream}s, readiness is level-triggered as epoll's
 * and delivered by {@link #pump()}, which fails a test that would make the event loop spin.
 */
final class FakeVsockHost implements VsockHost {
  private record Watch(int interest, IntConsumer onReady) {}

  private record Timer(long due, Runnable task) {}

  private final ArrayDeque<FakeStream> backlog = new ArrayDeque<>();
  private final Set<Long> listeningPorts = new HashSet<>();
  private final Map<Long, List<FakeStream>> connected = new HashMap<>();
  private final IdentityHashMap<HostStream, Watch> watches = new IdentityHashMap<>();
  private final List<Timer> timers = new ArrayList<>();
  private Runnable onConnection;
  private long now = 5_000_000_000L;

  /** A host process listens at {@code <uds_path>_<port>}. */
  void listenOn(long port) {
    listeningPorts.add(port);
  }

  /** The streams the device opened to {@code <uds_path>_<port>}, oldest first. */
  List<FakeStream> connectionsTo(long port) {
    return connected.getOrDefault(port, List.of());
  }

  /** A host process connects to {@code uds_path}. */
  FakeStream connect() {
    FakeStream stream = new FakeStream();
    backlog.add(stream);
    return stream;
  }

  boolean listening() {
    return onConnection != null;
  }

  int watched() {
    return watches.size();
  }

  int interest(HostStream stream) {
    Watch watch = watches.get(stream);
    return watch == null ? 0 : watch.interest();
  }

  @Override
  public void listen(Runnable onConnection) {
    this.onConnection = onConnection;
  }

  @Override
  public void stopListening() {
    onConnection = null;
  }

  @Override
  public HostStream accept() {
    return backlog.poll();
  }

  @Override
  public HostStream connect(long port) throws IOException {
    if (!listeningPorts.contains(port)) {
      throw new IOException("connect: ENOENT");
    }
    FakeStream stream = new FakeStream();
    connected.computeIfAbsent(port, p -> new ArrayList<>()).add(stream);
    return stream;
  }

  @Override
  public void watch(HostStream stream, int interest, IntConsumer onReady) {
    if (interest == 0) {
      watches.remove(stream);
    } else {
      watches.put(stream, new Watch(interest, onReady));
    }
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    timers.add(new Timer(now + delay.toNanos(), task));
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Moves the clock and runs the timers that came due. */
  void advance(Duration duration) {
    now += duration.toNanos();
    List<Timer> due = timers.stream().filter(t -> t.due() <= now).toList();
    timers.removeAll(due);
    due.forEach(t -> t.task().run());
  }

  /** Runs zero-delay timers (work handed to the loop) and delivers readiness until all is quiet. */
  void pump() {
    for (int round = 0; round < 10_000; round++) {
      boolean fired = false;
      List<Timer> due = timers.stream().filter(t -> t.due() <= now).toList();
      timers.removeAll(due);
      due.forEach(t -> t.task().run());
      fired |= !due.isEmpty();
      if (onConnection != null && !backlog.isEmpty()) {
        onConnection.run();
        fired = true;
      }
      for (Map.Entry<HostStream, Watch> entry : new ArrayList<>(watches.entrySet())) {
        FakeStream stream = (FakeStream) entry.getKey();
        int interest = entry.getValue().interest();
        int ready =
            ((interest & READABLE) != 0 && stream.readable() ? READABLE : 0)
                | ((interest & WRITABLE) != 0 && stream.writable() ? WRITABLE : 0);
        if (ready != 0 && watches.get(stream) == entry.getValue()) {
          entry.getValue().onReady().accept(ready);
          fired = true;
        }
      }
      if (!fired) {
        return;
      }
    }
    throw new AssertionError("the host's events never quieten: the event loop would spin");
  }
}
