/*
 * mmio: exit round trips for the benchmarks. count= (default 10000) reads of a virtio-mmio
 * device's magic register and count= writes to an unused port (port=, default 0x80), each timed
 * with rdtsc. Under PVM a ring-3 port write also pays the #GP round trip into ring 0 (entry.S).
 */
#include "virtio.h"

static void report_rate(const char *key, u64 cycles, u64 count) {
  u64 khz = tsc_khz();
  report_info(key, "%lu cycles %lu ns", cycles / count, cycles * 1000000 / khz / count);
}

void guest_main(void) {
  u64 count = cmdline_u64("count", 10000);
  u16 port = (u16)cmdline_u64("port", 0x80);
  struct virtio_dev dev;
  if (count == 0) count = 1;
  tsc_khz();
  u64 base = 0;
  for (u32 id = 1; id < 32 && !base; id++) {
    if (virtio_find(id, 0, &dev)) base = dev.base;
  }
  if (report_check(base != 0, "mmio-device", "no virtio-mmio device to read")) {
    u64 start = rdtsc();
    for (u64 i = 0; i < count; i++) mmio_read32(base);
    report_rate("mmio_read", rdtsc() - start, count);
  }
  u64 start = rdtsc();
  for (u64 i = 0; i < count; i++) outb(port, 0);
  report_rate("pio_write", rdtsc() - start, count);
  report_info("count", "%lu", count);
  report_ok("mmio-timed");
}
