/*
 * idle: prints "ready" and then halts with interrupts off for good, so the vCPU sleeps in KVM and
 * the VMM does nothing: the guest of the density benchmark (bench/vm), where only the VMM's own
 * memory per microVM should count, not a guest's work.
 */
#include "runtime.h"

void guest_main(void) {
  printf("ready\n");
  cli();
  for (;;) hlt();
}
