/*
 * blk: a virtio-blk round trip. Reads sector 0 (the host wrote a pattern there), writes sector 1
 * with every byte of sector 0 inverted, flushes when the device offers FLUSH, reads sector 1
 * back and compares. The host then checks sector 1 of its file. Reports capacity (checked
 * against expect_sectors= when given), offered and accepted features, and sector 0's FNV-1a.
 */
#include "virtio_blk.h"

static u8 sector0[SECTOR_SIZE] __attribute__((aligned(512)));
static u8 sector1[SECTOR_SIZE] __attribute__((aligned(512)));
static u8 readback[SECTOR_SIZE] __attribute__((aligned(512)));

static u32 fnv1a(const u8 *data, size_t n) {
  u32 h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ data[i]) * 16777619u;
  return h;
}

void guest_main(void) {
  struct blk b;
  if (!blk_open(&b, VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_RO)) return;
  report_info("blk_base", "0x%lx", b.dev.base);
  report_info("features_offered", "0x%lx", b.dev.offered);
  report_info("features_accepted", "0x%lx", b.dev.accepted);
  report_info("capacity_sectors", "%lu", b.capacity);
  u64 expect = cmdline_u64("expect_sectors", 0);
  if (expect) {
    report_check(b.capacity == expect, "blk-capacity", "%lu sectors (expected: %lu)", b.capacity, expect);
  }
  if (!blk_checked(&b, "blk-read", VIRTIO_BLK_T_IN, 0, sector0, SECTOR_SIZE)) return;
  report_info("sector0_fnv1a", "%08x", fnv1a(sector0, SECTOR_SIZE));
  char head[33];
  for (int i = 0; i < 16; i++) snprintf(head + 2 * i, 3, "%02x", sector0[i]);
  report_info("sector0_head", "%s", head);
  if (b.dev.accepted & VIRTIO_BLK_F_RO) {
    report_info("read_only", "1");
    int s = blk_request(&b, VIRTIO_BLK_T_OUT, 1, sector0, SECTOR_SIZE);
    report_check(s > 0, "blk-read-only", "a write to a read-only device: status %d (expected: an error)", s);
    return;
  }
  for (int i = 0; i < SECTOR_SIZE; i++) sector1[i] = (u8)~sector0[i];
  if (!blk_checked(&b, "blk-write", VIRTIO_BLK_T_OUT, 1, sector1, SECTOR_SIZE)) return;
  if (b.dev.accepted & VIRTIO_BLK_F_FLUSH) {
    blk_checked(&b, "blk-flush", VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
  } else {
    report_info("flush", "not offered");
  }
  if (!blk_checked(&b, "blk-readback", VIRTIO_BLK_T_IN, 1, readback, SECTOR_SIZE)) return;
  report_check(memcmp(readback, sector1, SECTOR_SIZE) == 0, "blk-compare",
      "sector 1 read back differs from what was written");
}
