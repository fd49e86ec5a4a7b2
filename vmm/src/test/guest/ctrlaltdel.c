/*
 * ctrlaltdel: prints "ready", polls the i8042 (status 0x64 bit 0, data 0x60) for up to wait_ms=
 * (default 10000) until Ctrl, Alt and Del have been pressed, in scancode set 2 (what Firecracker
 * and QEMU's untranslated keyboard send) or set 1; reports the bytes, then resets via 0x64.
 */
#include "runtime.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_OBF 0x01
#define MAX_CODES 32

struct keys {
  u8 ctrl, alt, del_e0;
};

static const struct keys set2 = {0x14, 0x11, 0x71};
static const struct keys set1 = {0x1D, 0x38, 0x53};

/* Whether ctrl and alt went down before the extended del make code. */
static bool seen(const u8 *codes, int n, const struct keys *k) {
  bool ctrl = false, alt = false;
  for (int i = 0; i < n; i++) {
    bool released = i > 0 && codes[i - 1] == 0xF0;
    if (codes[i] == k->ctrl && !released) ctrl = true;
    if (codes[i] == k->alt && !released) alt = true;
    if (codes[i] == k->del_e0 && i > 0 && codes[i - 1] == 0xE0 && ctrl && alt) return true;
  }
  return false;
}

void guest_main(void) {
  u8 codes[MAX_CODES];
  int n = 0;
  u64 limit = cmdline_u64("wait_ms", 10000) * tsc_khz();
  printf("ready\n");
  u64 start = rdtsc();
  bool done = false;
  while (!done && n < MAX_CODES && rdtsc() - start < limit) {
    if (!(inb(I8042_STATUS) & I8042_OBF)) continue;
    codes[n++] = inb(I8042_DATA);
    done = seen(codes, n, &set2) || seen(codes, n, &set1);
  }
  char hex[3 * MAX_CODES + 1] = "none";
  size_t used = 0;
  for (int i = 0; i < n; i++) {
    used += snprintf(hex + used, sizeof hex - used, "%s%02x", i ? " " : "", codes[i]);
  }
  report_info("scancodes", "%s", hex);
  report_check(done, "ctrl-alt-del", "%d scancodes without Ctrl-Alt-Del", n);
}
