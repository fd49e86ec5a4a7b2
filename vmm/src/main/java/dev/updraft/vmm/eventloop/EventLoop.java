package dev.updraft.vmm.eventloop;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.Errno;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.EventFd;
import dev.updraft.sys.Fd;
import dev.updraft.vmm.devices.Timers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Firecracker's VMM thread: device work (queue notifications, TAP readiness, console input, rate
 * limiter timers) runs here, one event at a time, so device models need no locks against each other
 * — only against the vCPU threads' register accesses. Other threads hand work over with {@link
 * #execute}.
 */
public final class EventLoop implements Executor, Timers, AutoCloseable {
  /** A scheduled task that can be cancelled before it runs. */
  public interface Cancellable {
    void cancel();
  }

  private record Timer(long deadline, long sequence, Runnable task, boolean[] cancelled) {}

  private final Epoll epoll = Epoll.create();
  private final EventFd wakeup = EventFd.create(0, EventFd.EFD_NONBLOCK);
  private final Map<Long, IntConsumer> handlers = new HashMap<>();
  private final Map<Integer, Long> keys = new HashMap<>();
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.deadline() != b.deadline()
                  ? Long.compare(a.deadline(), b.deadline())
                  : Long.compare(a.sequence(), b.sequence()));
  private long sequence; // timers are added on the loop thread only
  private final Consumer<RuntimeException> onError;
  private volatile boolean running = true;
  private volatile Thread thread;
  private long nextKey = 1;

  /**
   * @param onError hears about a handler that threw; the loop goes on
   */
  public EventLoop(Consumer<RuntimeException> onError) {
    this.onError = Objects.requireNonNull(onError, "onError");
    register(wakeup.fd(), Epoll.EPOLLIN, ready -> drainWakeup());
  }

  /**
   * Calls {@code handler} with the ready mask whenever {@code fd} is ready for {@code events}
   * (level-triggered). Call on the loop thread, or before {@link #run()} starts.
   */
  public void register(Fd fd, int events, IntConsumer handler) {
    long key = nextKey++;
    handlers.put(key, handler);
    keys.put(fd.value(), key);
    epoll.add(fd, events, key);
  }

  /** Changes what {@code fd} is watched for (e.g. drop EPOLLOUT once a backlog drained). */
  public void modify(Fd fd, int events) {
    Long key = keys.get(fd.value());
    if (key != null) {
      epoll.modify(fd, events, key);
    }
  }

  public void unregister(Fd fd) {
    Long key = keys.remove(fd.value());
    if (key != null) {
      handlers.remove(key);
      epoll.remove(fd);
    }
  }

  /** Runs {@code task} on the loop thread after {@code delayNanos}. Loop thread only. */
  public Cancellable schedule(long delayNanos, Runnable task) {
    boolean[] cancelled = {false};
    timers.add(new Timer(System.nanoTime() + Math.max(0, delayNanos), ++sequence, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** {@link Timers}: from any thread; the task runs on the loop thread after {@code delay}. */
  @Override
  public void schedule(Duration delay, Runnable task) {
    long nanos = delay.toNanos();
    if (inLoop()) {
      schedule(nanos, task);
    } else {
      execute(() -> schedule(nanos, task));
    }
  }

  /** Runs {@code task} on the loop thread soon; any thread may call this. */
  @Override
  public void execute(Runnable task) {
    inbox.add(Objects.requireNonNull(task, "task"));
    wakeup.write(1);
  }

  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs the loop on the calling thread until {@link #close()}. */
  public void run() {
    thread = Thread.currentThread();
    try (Epoll.Events events = new Epoll.Events(64)) {
      while (running) {
        int count = await(events);
        for (int i = 0; i < count && running; i++) {
          IntConsumer handler = handlers.get(events.data(i));
          int ready = events.events(i);
          if (handler != null) {
            guarded(() -> handler.accept(ready));
          }
        }
        runDueTimers();
        runInbox();
      }
    } finally {
      runInbox();
    }
  }

  private int await(Epoll.Events events) {
    try {
      return epoll.await(events, timeoutMillis());
    } catch (ErrnoException e) {
      if (e.errno() == Errno.EINTR) {
        return 0; // a signal meant for someone else; timers and the inbox still get their turn
      }
      throw e;
    }
  }

  private int timeoutMillis() {
    Timer next = timers.peek();
    if (next == null) {
      return -1;
    }
    long nanos = next.deadline() - System.nanoTime();
    return nanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
  }

  private void runDueTimers() {
    long now = System.nanoTime();
    while (!timers.isEmpty() && timers.peek().deadline() <= now) {
      Timer t = timers.poll();
      if (!t.cancelled()[0]) {
        guarded(t.task());
      }
    }
  }

  private void runInbox() {
    Runnable task;
    while ((task = inbox.poll()) != null) {
      guarded(task);
    }
  }

  private void drainWakeup() {
    wakeup.tryRead();
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      onError.accept(e);
    }
  }

  /** Ends the loop after the current event; safe from any thread. */
  public void stop() {
    running = false;
    if (wakeup.fd().isOpen()) {
      wakeup.write(1);
    }
  }

  @Override
  public void close() {
    stop();
    if (thread == null || !thread.isAlive() || inLoop()) {
      epoll.close();
      wakeup.close();
    }
  }
}
