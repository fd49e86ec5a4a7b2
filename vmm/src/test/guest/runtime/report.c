/*
 * The serial protocol: "ok <check>", "fail <check>: <detail>", "info <key>=<value>", finally
 * "done"; then the guest ends through isa-debug-exit (QEMU), the i8042 reset (updraft) and a halt.
 */
#include "runtime.h"

#define DEBUG_EXIT_PORT 0xF4
#define I8042_COMMAND 0x64
#define I8042_RESET 0xFE

static int failures;

void report_ok(const char *check) { printf("ok %s\n", check); }

static void vfail(const char *check, const char *fmt, va_list ap) {
  char detail[400];
  vsnprintf(detail, sizeof detail, fmt, ap);
  printf("fail %s: %s\n", check, detail);
  failures++;
}

void report_fail(const char *check, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(check, fmt, ap);
  va_end(ap);
}

void report_info(const char *key, const char *fmt, ...) {
  char value[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(value, sizeof value, fmt, ap);
  va_end(ap);
  printf("info %s=%s\n", key, value);
}

bool report_check(bool ok, const char *check, const char *fmt, ...) {
  if (ok) {
    report_ok(check);
  } else {
    va_list ap;
    va_start(ap, fmt);
    vfail(check, fmt, ap);
    va_end(ap);
  }
  return ok;
}

void guest_reset(void) {
  outb(I8042_COMMAND, I8042_RESET);
  cli();
  for (;;) hlt();
}

void guest_end(void) {
  printf("done\n");
  /* QEMU exits with (value << 1) | 1: 1 when every check passed, 3 otherwise. */
  outb(DEBUG_EXIT_PORT, failures ? 1 : 0);
  guest_reset();
}

/* Called by entry.S in ring 3. */
void guest_start(void) {
  traps_init();
  uart_init();
  bootinfo_init();
  guest_main();
  guest_end();
}
