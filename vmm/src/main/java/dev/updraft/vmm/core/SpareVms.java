package dev.updraft.vmm.core;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One KVM VM kept ready ahead of the next request, for a process that hosts many microVMs ({@code
 * updraft vm serve}). Creating a VM's irqchip and PIT waits for kernel grace periods (SRCU) that
 * took several milliseconds of every restore into a warm process on a loaded host (JFR: with the
 * memory slot, the largest cost of the restore path); a new machine takes the spare at once and a
 * background thread prepares the next. A single-VM process keeps none: it would only waste one.
 */
public final class SpareVms {
  private static volatile BlockingQueue<PreparedVm> spares;

  private SpareVms() {}

  /**
   * From now on keeps one VM ready. Call it where threads may still be started freely: the
   * preparing thread lives as long as the process and makes only KVM calls, which the {@code vmm}
   * seccomp filter allows.
   */
  public static synchronized void keepOne() {
    if (spares != null) {
      return;
    }
    BlockingQueue<PreparedVm> queue = new ArrayBlockingQueue<>(1);
    spares = queue;
    Thread.ofPlatform().name("spare_vm").daemon().start(() -> prepare(queue));
  }

  private static void prepare(BlockingQueue<PreparedVm> queue) {
    while (true) {
      PreparedVm vm;
      try {
        vm = PreparedVm.create();
      } catch (RuntimeException e) {
        // No KVM or a refusal: every machine is then built on request, which reports the error.
        return;
      }
      try {
        queue.put(vm);
      } catch (InterruptedException e) {
        vm.close();
        return;
      }
    }
  }

  /** Whether a prepared VM waits to be taken. */
  static boolean ready() {
    BlockingQueue<PreparedVm> queue = spares;
    return queue != null && !queue.isEmpty();
  }

  /** A prepared VM if one is ready, else a new one made now. */
  static PreparedVm take() {
    BlockingQueue<PreparedVm> queue = spares;
    PreparedVm spare = queue == null ? null : queue.poll();
    return spare != null ? spare : PreparedVm.create();
  }
}
