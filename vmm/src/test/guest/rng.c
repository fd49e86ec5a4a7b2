/* rng: reads 64 bytes (bytes=) from virtio-rng, prints them in hex, checks they are not all zero. */
#include "virtio.h"

static u8 buffer[256];

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq q;
  u32 want = (u32)cmdline_u64("bytes", 64);
  if (want > sizeof buffer) want = sizeof buffer;
  if (!report_check(virtio_find(VIRTIO_ID_RNG, 0, &dev), "rng-found", "no virtio-rng device")) return;
  report_info("rng_base", "0x%lx", dev.base);
  if (!virtio_init(&dev, 0) || !virtq_setup(&dev, &q, 0, 8)) return;
  virtio_driver_ok(&dev);
  u32 got = 0;
  for (int requests = 0; got < want && requests < 64; requests++) {
    u32 len;
    struct vbuf b = {buffer + got, want - got, true};
    if (!virtq_transfer(&q, &b, 1, 2000000, &len)) {
      report_fail("rng-read", "request %d timed out after %u bytes", requests, got);
      return;
    }
    got += len > want - got ? want - got : len;
  }
  char hex[2 * sizeof buffer + 1];
  bool nonzero = false;
  for (u32 i = 0; i < got; i++) {
    snprintf(hex + 2 * i, 3, "%02x", buffer[i]);
    nonzero |= buffer[i] != 0;
  }
  hex[2 * got] = '\0';
  report_info("rng_bytes", "%s", hex);
  report_check(got == want, "rng-read", "%u bytes (expected: %u)", got, want);
  report_check(nonzero, "rng-nonzero", "all %u bytes are zero", got);
}
