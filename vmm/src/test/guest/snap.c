/*
 * snap: a guest to snapshot mid-run and restore elsewhere. It counts in a ring-3 loop and every
 * period_ms= (20) ends a tick: it prints "tick N count=C", fills page N of a 4 MiB array with a
 * pattern of N, and with a drive writes a record of N and C to sector N and flushes. After ticks=
 * (40) it checks that every page still holds its pattern ("snap-memory"), that every sector holds
 * its record ("snap-drive", read back through the device) and that the count only grew
 * ("snap-count"), then ends. Whatever a restore loses or repeats (memory pages, a device's place
 * in its queue, disk writes, serial bytes) shows as a failed check or a gap in the ticks.
 */
#include "virtio_blk.h"

#define PAGES 1024
#define PAGE 4096
#define MAX_TICKS (PAGES - 1)

static u8 pages[PAGES][PAGE] __attribute__((aligned(PAGE)));
static u64 counts[PAGES];
static u8 record[SECTOR_SIZE] __attribute__((aligned(512)));
static u8 readback[SECTOR_SIZE] __attribute__((aligned(512)));

static u8 pattern(u64 tick, u64 i) { return (u8)(tick * 0x9E3779B1u + i * 31u); }

static void fill_record(u64 tick, u64 count) {
  memset(record, 0, sizeof record);
  int n = snprintf((char *)record, sizeof record, "tick %lu count %lu\n", tick, count);
  for (u64 i = (u64)n; i < SECTOR_SIZE; i++) record[i] = pattern(tick, i);
}

void guest_main(void) {
  u64 ticks = cmdline_u64("ticks", 40);
  if (ticks > MAX_TICKS) ticks = MAX_TICKS;
  u64 period = cmdline_u64("period_ms", 20) * tsc_khz();
  struct blk b;
  bool drive = cmdline_u64("blk", 0) != 0;
  if (drive && !blk_open(&b, VIRTIO_BLK_F_FLUSH)) return;
  bool flush = drive && (b.dev.accepted & VIRTIO_BLK_F_FLUSH);

  u64 count = 0, last = rdtsc();
  bool grew = true;
  for (u64 tick = 1; tick <= ticks; tick++) {
    u64 now;
    while ((now = rdtsc()) - last < period) count++;
    last = now;
    if (count < counts[tick - 1]) grew = false;
    counts[tick] = count;
    for (u64 i = 0; i < PAGE; i++) pages[tick][i] = pattern(tick, i);
    if (drive) {
      fill_record(tick, count);
      if (blk_request(&b, VIRTIO_BLK_T_OUT, tick, record, SECTOR_SIZE) != VIRTIO_BLK_S_OK ||
          (flush && blk_request(&b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0) != VIRTIO_BLK_S_OK)) {
        report_fail("snap-drive", "tick %lu: the write failed", tick);
        return;
      }
    }
    printf("tick %lu count=%lu\n", tick, count);
  }

  u64 bad_pages = 0;
  for (u64 tick = 1; tick <= ticks; tick++) {
    for (u64 i = 0; i < PAGE; i++) {
      if (pages[tick][i] != pattern(tick, i)) {
        bad_pages++;
        break;
      }
    }
  }
  report_check(bad_pages == 0, "snap-memory", "%lu of %lu pages lost their pattern", bad_pages, ticks);
  report_check(grew, "snap-count", "the count went backwards");
  if (drive) {
    u64 bad_sectors = 0;
    for (u64 tick = 1; tick <= ticks; tick++) {
      fill_record(tick, counts[tick]);
      if (blk_request(&b, VIRTIO_BLK_T_IN, tick, readback, SECTOR_SIZE) != VIRTIO_BLK_S_OK ||
          memcmp(readback, record, SECTOR_SIZE) != 0) {
        bad_sectors++;
      }
    }
    report_check(bad_sectors == 0, "snap-drive", "%lu of %lu sectors differ", bad_sectors, ticks);
  }
  report_info("ticks", "%lu", ticks);
  report_info("count", "%lu", count);
}
