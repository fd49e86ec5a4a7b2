package dev.updraft.vmm.core;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One KVM VM kept ready ahead of the next request, for a process that hosts many microVMs ({@code
 * updraft vm serve}). Creating a VM's irqchip and PIT, and each memory slot, waits for kernel grace
 * periods (SRCU) that took most of a restore into a warm process on a loaded host (JFR, then the
 * restore's phase log); a new machine takes the spare at once and a background thread makes the
 * next. The spare has vCPUs and memory slots for the shape of the last machine asked for
 * (Firecracker's default, 128 MiB and one vCPU, before the first): a machine of another shape gets
 * a VM made on request, and the spare after it has the new shape. A single-VM process keeps none:
 * it would only waste one.
 */
public final class SpareVms {
  // Two ready at most: one queued, one made and waiting for the queue (put blocks), so that a
  // burst of restores finds a spare for each of two in a row.
  private static volatile ArrayBlockingQueue<PreparedVm> spares;
  private static volatile MachineShape nextShape = MachineShape.DEFAULT;
  // Spares of a shape no longer asked for: closed by the spare thread (KVM's teardown of a VM
  // waits for grace periods too), before it makes the next.
  private static final LinkedBlockingQueue<PreparedVm> STALE = new LinkedBlockingQueue<>();
  private static final long STALE_POLL_MILLIS = 50;
  // Whether the spare thread is making a VM now (KvmReaper lets it finish first).
  private static volatile boolean making;

  private SpareVms() {}

  /**
   * From now on keeps one VM ready. Call it where threads may still be started freely: the
   * preparing thread lives as long as the process and makes only KVM and mmap calls, which the
   * {@code vmm} seccomp filter allows.
   */
  public static synchronized void keepOne() {
    if (spares != null) {
      return;
    }
    ArrayBlockingQueue<PreparedVm> queue = new ArrayBlockingQueue<>(1);
    spares = queue;
    Thread.ofPlatform().name("spare_vm").daemon().start(() -> prepare(queue));
  }

  private static void prepare(ArrayBlockingQueue<PreparedVm> queue) {
    while (true) {
      closeStale();
      PreparedVm vm;
      making = true;
      try {
        vm = PreparedVm.create(nextShape);
      } catch (RuntimeException e) {
        // No KVM or a refusal: every machine is then built on request, which reports the error.
        return;
      } finally {
        making = false;
      }
      try {
        // While the queue is full, a spare discarded meanwhile must not wait for the next taker:
        // it would keep a third KVM VM (and its memory) for as long as no machine is asked for.
        while (!queue.offer(vm, STALE_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          closeStale();
        }
      } catch (InterruptedException e) {
        vm.close();
        return;
      }
    }
  }

  private static void closeStale() {
    for (PreparedVm stale; (stale = STALE.poll()) != null; ) {
      stale.close();
    }
  }

  /** Gives back a spare taken that did not fit: the spare thread closes it. */
  static void discard(PreparedVm spare) {
    if (spares == null) {
      spare.close();
    } else {
      STALE.add(spare);
    }
  }

  /** Whether the spare thread is making a VM now. */
  static boolean making() {
    return making;
  }

  /** Whether a prepared VM waits to be taken. */
  static boolean ready() {
    ArrayBlockingQueue<PreparedVm> queue = spares;
    return queue != null && !queue.isEmpty();
  }

  /**
   * The spare if one is ready, fitted to {@code shape} or not (the caller checks {@link
   * PreparedVm#fits}), else a VM without vCPUs and memory made now. Spares made from now on have
   * {@code shape}.
   */
  static PreparedVm take(MachineShape shape) {
    ArrayBlockingQueue<PreparedVm> queue = spares;
    if (queue == null) {
      return PreparedVm.create(null);
    }
    nextShape = shape;
    PreparedVm spare = queue.poll();
    return spare != null ? spare : PreparedVm.create(null);
  }
}
