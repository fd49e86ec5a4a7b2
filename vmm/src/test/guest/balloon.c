/*
 * balloon: a polling virtio-balloon driver. Writes to pages= (4096) pages from at_mib= (64) so the
 * host backs them, posts a stats buffer, prints "ready", waits (wait_ms=, 30000) for the host to
 * set a target, then gives that many of those pages back on the inflate queue, writes `actual`,
 * deflates deflate= (256) of them again, and checks a given-back page reads as zero (the host
 * released it). Then it waits for the host's stats poll, answers with fresh numbers, prints
 * "stats-sent" and waits for a line from the host (at most linger_ms=, 30000) before it ends.
 */
#include "virtio.h"

#define VIRTIO_ID_BALLOON 5
#define F_STATS_VQ (1UL << 1)
#define F_DEFLATE_ON_OOM (1UL << 2)
#define PFNS_PER_CHAIN 256

struct balloon_stat {
  u16 tag;
  u64 value;
} __attribute__((packed));

static u32 pfns[PFNS_PER_CHAIN];
static struct balloon_stat stats[3];

static bool wait_until(u64 start, u64 limit) { return rdtsc() - start <= limit; }

/* Posts count frames from first on q, PFNS_PER_CHAIN per chain; false if one timed out. */
static bool post_frames(struct virtq *q, u64 first, u32 count, const char *check) {
  for (u32 done = 0; done < count;) {
    u32 n = count - done < PFNS_PER_CHAIN ? count - done : PFNS_PER_CHAIN;
    for (u32 i = 0; i < n; i++) pfns[i] = (u32)(first + done + i);
    struct vbuf b = {pfns, n * 4, false};
    u32 len;
    if (!virtq_transfer(q, &b, 1, 5000000, &len)) {
      report_fail(check, "chain at page %u of %u timed out", done, count);
      return false;
    }
    done += n;
  }
  return true;
}

static void set_stats(u64 free_bytes) {
  stats[0] = (struct balloon_stat){4, free_bytes};   /* VIRTIO_BALLOON_S_MEMFREE */
  stats[1] = (struct balloon_stat){5, 128UL << 20};  /* VIRTIO_BALLOON_S_MEMTOT */
  stats[2] = (struct balloon_stat){10, 0};           /* VIRTIO_BALLOON_S_OOM_KILL */
}

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq inflate, deflate, statsq;
  u64 at = cmdline_u64("at_mib", 64) << 20;
  u32 pages = (u32)cmdline_u64("pages", 4096);
  u32 give_back = (u32)cmdline_u64("deflate", 256);
  u64 limit = cmdline_u64("wait_ms", 30000) * tsc_khz();
  if (!report_check(virtio_find(VIRTIO_ID_BALLOON, 0, &dev), "balloon-found", "no virtio-balloon device")) return;
  if (!virtio_init(&dev, F_STATS_VQ | F_DEFLATE_ON_OOM)) return;
  report_info("features_offered", "0x%lx", dev.offered);
  bool with_stats = (dev.accepted & F_STATS_VQ) != 0;
  if (!virtq_setup(&dev, &inflate, 0, 8) || !virtq_setup(&dev, &deflate, 1, 8)) return;
  if (with_stats && !virtq_setup(&dev, &statsq, 2, 2)) return;
  virtio_driver_ok(&dev);

  for (u32 i = 0; i < pages; i++) *(volatile u8 *)(at + (u64)i * 4096) = (u8)(1 + i % 255);
  struct vbuf stats_buf = {stats, sizeof stats, false};
  if (with_stats) {
    set_stats(64UL << 20);
    virtq_add(&statsq, &stats_buf, 1);
    virtq_kick(&statsq);
  }
  printf("ready\n");

  u64 start = rdtsc();
  u32 target;
  while ((target = virtio_config32(&dev, 0)) == 0) {
    if (!wait_until(start, limit)) {
      report_fail("balloon-target", "num_pages still 0 after wait_ms");
      return;
    }
    for (int i = 0; i < 100000; i++) cpu_relax();
  }
  report_info("num_pages", "%u", target);
  if (!report_check(target <= pages, "balloon-target", "num_pages %u (expected: at most %u)", target, pages)) return;

  if (!post_frames(&inflate, at >> 12, target, "balloon-inflate")) return;
  mmio_write32(dev.base + VIRTIO_MMIO_CONFIG + 4, target);
  report_ok("balloon-inflate");
  report_check(*(volatile u8 *)(at + 4096) == 0, "balloon-released", "page 1 reads %u after inflating (expected: 0)", *(volatile u8 *)(at + 4096));

  if (give_back > target) give_back = target;
  if (!post_frames(&deflate, (at >> 12) + target - give_back, give_back, "balloon-deflate")) return;
  mmio_write32(dev.base + VIRTIO_MMIO_CONFIG + 4, target - give_back);
  u32 actual = virtio_config32(&dev, 4);
  report_check(actual == target - give_back, "balloon-deflate", "actual %u (expected: %u)", actual, target - give_back);
  report_info("actual", "%u", actual);

  if (with_stats) {
    u32 head, len;
    if (!report_check(virtq_poll(&statsq, 10000000, &head, &len), "balloon-stats-poll", "the host did not hand the stats buffer back within 10 s")) return;
    set_stats(48UL << 20);
    virtq_add(&statsq, &stats_buf, 1);
    virtq_kick(&statsq);
  }
  printf("stats-sent\n");
  u64 linger = cmdline_u64("linger_ms", 30000) * tsc_khz();
  start = rdtsc();
  char c;
  while (wait_until(start, linger) && !(uart_try_getc(&c) && c == '\n')) {
  }
}
