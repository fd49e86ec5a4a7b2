/*
 * pause: counts in a ring-3 loop and prints "tick N count=C" every period_ms= (default 50) for
 * ticks= ticks (default 20). The host pauses the VM in between and checks that no tick arrives
 * while it is paused. After a pause the next tick follows at once: the deadline is re-armed from
 * the tick just printed, so a pause never produces a burst of catch-up ticks.
 */
#include "runtime.h"

void guest_main(void) {
  u64 ticks = cmdline_u64("ticks", 20);
  u64 period = cmdline_u64("period_ms", 50) * tsc_khz();
  u64 count = 0, max_gap = 0;
  u64 last = rdtsc();
  for (u64 tick = 1; tick <= ticks; tick++) {
    u64 now;
    while ((now = rdtsc()) - last < period) count++;
    if (now - last > max_gap) max_gap = now - last;
    last = now;
    printf("tick %lu count=%lu\n", tick, count);
  }
  report_info("max_gap_ms", "%lu", max_gap / tsc_khz());
  report_check(count > 0, "pause-ticks", "the loop never ran");
}
