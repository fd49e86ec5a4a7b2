package dev.updraft.vmm.core;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frees what a stopped microVM still holds in the kernel (its vCPU and VM descriptors and its guest
 * memory) on a thread of its own, for a process that hosts many microVMs ({@code updraft vm
 * serve}). KVM tears a VM down in the thread that closes its last descriptor, and the teardown
 * waits: for kernel grace periods (the MMU notifier's, the memory slots') and for the PIT's kernel
 * thread to end. That was most of a DELETE in serve (the {@code vm_fd} phase of its log); here the
 * DELETE answers once the vCPUs and devices have stopped, and the reaper frees the rest.
 *
 * <p>The machine is stopped before it is handed over (its vCPU threads have ended and its device
 * thread too), so nothing uses what waits here. When more than {@value #MAX_WAITING} machines wait,
 * the caller frees its own: a storm of deletes cannot pile up guest memory faster than it is given
 * back. A single-VM process starts no reaper: its VM ends with the process.
 */
public final class KvmReaper {
  static final int MAX_WAITING = 16;
  private static final long SPARE_FIRST_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static volatile LinkedBlockingQueue<Runnable> queue;
  // Handed over and not yet freed, for tests that wait until the kernel has everything back.
  private static final AtomicInteger PENDING = new AtomicInteger();

  private KvmReaper() {}

  /**
   * From now on frees closed machines on the {@code kvm_reaper} thread. Call where threads may
   * still be started freely (before the seccomp filter): the thread makes only close and munmap
   * calls.
   */
  public static synchronized void start() {
    if (queue != null) {
      return;
    }
    LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    queue = work;
    Thread.ofPlatform().name("kvm_reaper").daemon().start(() -> reap(work));
  }

  private static void reap(LinkedBlockingQueue<Runnable> work) {
    while (true) {
      Runnable free;
      try {
        free = work.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        // Both wait for the kernel's grace periods, and a spare is what the next restore needs:
        // the spare is made first (a restore on a spare makes no slot or irqchip ioctl).
        long deadline = System.nanoTime() + SPARE_FIRST_NANOS;
        while (SpareVms.making() && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        free.run();
      } catch (InterruptedException e) {
        free.run();
        return;
      } catch (RuntimeException e) {
        // A close(2) or munmap that failed: the kernel frees it at exit; nothing else to do.
      } finally {
        PENDING.decrementAndGet();
      }
    }
  }

  /**
   * Hands {@code free} to the reaper; false when there is none or too many wait, and the caller
   * must free now.
   */
  static boolean handOver(Runnable free) {
    LinkedBlockingQueue<Runnable> work = queue;
    if (work == null || PENDING.get() >= MAX_WAITING) {
      return false;
    }
    PENDING.incrementAndGet();
    work.add(free);
    return true;
  }

  /** Waits until everything handed over so far is freed; false if it took longer than millis. */
  static boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (PENDING.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }
}
