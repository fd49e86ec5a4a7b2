/*
 * boottimer: writes 123 to the boot-timer device at MMIO 0xC0000000, as Firecracker's init does,
 * then prints "ready" and stays up for wait_ms= (default 0), for tests that act on a booted VM.
 */
#include "runtime.h"

#define BOOT_TIMER 0xC0000000UL
#define BOOT_TIMER_MAGIC 123

void guest_main(void) {
  mmio_write8(BOOT_TIMER, BOOT_TIMER_MAGIC);
  report_ok("boot-timer-written");
  u64 limit = cmdline_u64("wait_ms", 0) * tsc_khz();
  printf("ready\n");
  u64 start = rdtsc();
  while (rdtsc() - start < limit) {
    __asm__ volatile("pause");
  }
}
