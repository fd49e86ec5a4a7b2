/*
 * blkbench: reads mib= MiB (default 64) from virtio-blk in req_kib= KiB requests (default 128,
 * at most 1024), one at a time, wrapping at the disk's end; reports bytes and rdtsc cycles.
 */
#include "virtio_blk.h"

#define MAX_REQUEST (1024 * 1024)

static u8 buffer[MAX_REQUEST] __attribute__((aligned(4096)));

void guest_main(void) {
  struct blk b;
  u64 total = cmdline_u64("mib", 64) << 20;
  u64 request = cmdline_u64("req_kib", 128) << 10;
  if (request == 0 || request > MAX_REQUEST || request % SECTOR_SIZE) {
    report_fail("blkbench-args", "req_kib: %lu (expected: 1 to 1024)", request >> 10);
    return;
  }
  if (!blk_open(&b, 0)) return;
  u64 sectors = request / SECTOR_SIZE;
  if (!report_check(b.capacity >= sectors, "blkbench-capacity", "%lu sectors (expected: >= %lu)",
          b.capacity, sectors)) {
    return;
  }
  tsc_khz();
  u64 sector = 0, done = 0;
  u64 start = rdtsc();
  while (done < total) {
    if (sector + sectors > b.capacity) sector = 0;
    int s = blk_request(&b, VIRTIO_BLK_T_IN, sector, buffer, (u32)request);
    if (s != VIRTIO_BLK_S_OK) {
      report_fail("blkbench", "sector %lu: status %d (expected: 0; -1 is a timeout)", sector, s);
      return;
    }
    sector += sectors;
    done += request;
  }
  u64 cycles = rdtsc() - start;
  report_info("bytes", "%lu", done);
  report_info("cycles", "%lu", cycles);
  report_info("mib_per_s", "%lu", cycles ? (done >> 20) * tsc_khz() * 1000 / cycles : 0);
  report_ok("blkbench");
}
