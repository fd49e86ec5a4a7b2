/*
 * crash: a hostile guest. Prints "ready", spins for wait_ms= (default 0), then clears every IDT
 * gate (the IDT's pages are user-writable) and executes ud2: #UD finds no gate, nor does the
 * double fault that follows, so the CPU shuts down (triple fault). The VMM must end this guest
 * alone; under updraft vm serve the other VMs keep running.
 */
#include "runtime.h"

struct gate {
  u64 low, high;
};

extern struct gate idt[256];

void guest_main(void) {
  u64 limit = cmdline_u64("wait_ms", 0) * tsc_khz();
  printf("ready\n");
  u64 start = rdtsc();
  while (rdtsc() - start < limit) {
  }
  printf("crashing\n");
  for (int v = 0; v < 256; v++) {
    idt[v].low = 0;
    idt[v].high = 0;
  }
  __asm__ volatile("ud2");
  report_fail("crash", "ud2 returned");
}
