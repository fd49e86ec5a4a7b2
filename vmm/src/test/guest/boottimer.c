/* boottimer: writes 123 to the boot-timer device at MMIO 0xC0000000, as Firecracker's init does. */
#include "runtime.h"

#define BOOT_TIMER 0xC0000000UL
#define BOOT_TIMER_MAGIC 123

void guest_main(void) {
  mmio_write8(BOOT_TIMER, BOOT_TIMER_MAGIC);
  report_ok("boot-timer-written");
}
