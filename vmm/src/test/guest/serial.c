/*
 * serial: prints "ready", reads one line from COM1 (polling LSR.DR, at most wait_ms=, default
 * 10000) and prints it upper-cased as "info echo=<LINE>".
 */
#include "runtime.h"

void guest_main(void) {
  char line[128];
  size_t n = 0;
  u64 limit = cmdline_u64("wait_ms", 10000) * tsc_khz();
  printf("ready\n");
  u64 start = rdtsc();
  bool complete = false;
  while (!complete && rdtsc() - start < limit) {
    char c;
    if (!uart_try_getc(&c)) continue;
    if (c == '\n' || c == '\r') complete = n > 0;
    else if (n + 1 < sizeof line) line[n++] = to_upper(c);
  }
  line[n] = '\0';
  if (report_check(complete, "serial-read", "no full line within wait_ms (got %lu bytes)", n)) {
    report_info("echo", "%s", line);
  }
}
