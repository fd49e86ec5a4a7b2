/*
 * freepage: a polling virtio-balloon driver for free page reporting and free page hinting (virtio
 * 1.2 section 5.5.6). Writes to pages= (4096) pages from at_mib= (64) so the host backs them and
 * prints "ready"; with hold=1 it then waits (wait_ms=) for a line from the host, which can look at
 * its memory first. Then, as Linux's page reporting does, it reports the first report= (1024) of them
 * on the reporting queue (device-writable buffers, two per chain), checks one reads as zero (the
 * host discarded it) and prints "reported". It waits (wait_ms=, 30000) for the host to start a
 * hinting run (free_page_hint_cmd_id at config offset 8 becomes 2 or more), answers with the run's
 * id, hints the next hint= (1024) pages in one chain each 1 MiB, sends STOP (0), waits for the
 * host's DONE (1), checks a hinted page reads as zero and prints "hinted". Then it waits for a line
 * from the host (at most linger_ms=, 30000) before it ends.
 *
 * The queues are those the device offers in Linux's order: inflate 0, deflate 1, free page 2,
 * reporting 3 (the host offers no statistics queue to this guest).
 */
#include "virtio.h"

#define VIRTIO_ID_BALLOON 5
#define F_FREE_PAGE_HINT (1UL << 3)
#define F_PAGE_REPORTING (1UL << 5)
#define CMD_ID_STOP 0
#define CMD_ID_DONE 1
#define HINT_BLOCK_PAGES 256

static u32 cmd_id;

static bool wait_until(u64 start, u64 limit) { return rdtsc() - start <= limit; }

static bool await_line(u64 limit) {
  u64 start = rdtsc();
  char c;
  while (!(uart_try_getc(&c) && c == '\n')) {
    if (!wait_until(start, limit)) return false;
  }
  return true;
}

/* Polls free_page_hint_cmd_id until accept(it) holds or limit TSC cycles pass; returns it. */
static u32 await_cmd(struct virtio_dev *dev, u64 limit, bool run) {
  u64 start = rdtsc();
  u32 cmd;
  while (cmd = virtio_config32(dev, 8), run ? cmd < 2 : cmd != CMD_ID_DONE) {
    if (!wait_until(start, limit)) return cmd;
    for (int i = 0; i < 100000; i++) cpu_relax();
  }
  return cmd;
}

static bool send_cmd(struct virtq *q, u32 id, const char *check) {
  cmd_id = id;
  struct vbuf b = {&cmd_id, 4, false};
  u32 len;
  return report_check(virtq_transfer(q, &b, 1, 5000000, &len), check, "command id %u not returned within 5 s", id);
}

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq inflate, deflate, free_page, reporting;
  u64 at = cmdline_u64("at_mib", 64) << 20;
  u32 pages = (u32)cmdline_u64("pages", 4096);
  u32 report = (u32)cmdline_u64("report", 1024);
  u32 hint = (u32)cmdline_u64("hint", 1024);
  u64 limit = cmdline_u64("wait_ms", 30000) * tsc_khz();
  if (report + hint > pages) {
    report_fail("freepage-args", "report %u + hint %u pages (expected: at most pages %u)", report, hint, pages);
    return;
  }
  if (!report_check(virtio_find(VIRTIO_ID_BALLOON, 0, &dev), "balloon-found", "no virtio-balloon device")) return;
  if (!virtio_init(&dev, F_FREE_PAGE_HINT | F_PAGE_REPORTING)) return;
  report_info("features_offered", "0x%lx", dev.offered);
  if (!report_check((dev.accepted & (F_FREE_PAGE_HINT | F_PAGE_REPORTING)) == (F_FREE_PAGE_HINT | F_PAGE_REPORTING),
                    "freepage-features", "offered 0x%lx (expected: FREE_PAGE_HINT and PAGE_REPORTING)", dev.offered))
    return;
  if (!virtq_setup(&dev, &inflate, 0, 8) || !virtq_setup(&dev, &deflate, 1, 8) ||
      !virtq_setup(&dev, &free_page, 2, 8) || !virtq_setup(&dev, &reporting, 3, 8))
    return;
  virtio_driver_ok(&dev);

  for (u32 i = 0; i < pages; i++) *(volatile u8 *)(at + (u64)i * 4096) = (u8)(1 + i % 255);
  printf("ready\n");
  if (cmdline_u64("hold", 0) && !report_check(await_line(limit), "freepage-hold", "no line from the host within wait_ms")) return;

  /* Reporting: the first half and the second half of the range in one chain. */
  u32 half = report / 2;
  struct vbuf blocks[2] = {{(void *)at, half * 4096, true}, {(void *)(at + (u64)half * 4096), (report - half) * 4096, true}};
  u32 len;
  if (!report_check(virtq_transfer(&reporting, blocks, 2, 5000000, &len), "freepage-report", "the reported chain was not returned within 5 s")) return;
  u8 seen = *(volatile u8 *)(at + 4096);
  report_check(seen == 0, "freepage-report-released", "page 1 reads %u after reporting it (expected: 0)", seen);
  printf("reported\n");

  /* Hinting: the host starts a run; its id, then the pages, then STOP. */
  u32 run = await_cmd(&dev, limit, true);
  if (!report_check(run >= 2, "freepage-hint-start", "free_page_hint_cmd_id %u after wait_ms (expected: a run id, 2 or more)", run)) return;
  report_info("hint_cmd_id", "%u", run);
  if (!send_cmd(&free_page, run, "freepage-hint")) return;
  u64 first = at + (u64)report * 4096;
  for (u32 done = 0; done < hint; done += HINT_BLOCK_PAGES) {
    u32 n = hint - done < HINT_BLOCK_PAGES ? hint - done : HINT_BLOCK_PAGES;
    struct vbuf b = {(void *)(first + (u64)done * 4096), n * 4096, true};
    if (!virtq_transfer(&free_page, &b, 1, 5000000, &len)) {
      report_fail("freepage-hint", "hinted block at page %u was not returned within 5 s", done);
      return;
    }
  }
  if (!send_cmd(&free_page, CMD_ID_STOP, "freepage-hint")) return;
  report_ok("freepage-hint");
  u32 ack = await_cmd(&dev, limit, false);
  report_check(ack == CMD_ID_DONE, "freepage-hint-done", "free_page_hint_cmd_id %u after STOP (expected: DONE, 1)", ack);
  seen = *(volatile u8 *)(first + 4096);
  report_check(seen == 0, "freepage-hint-released", "hinted page 1 reads %u (expected: 0)", seen);
  printf("hinted\n");

  await_line(cmdline_u64("linger_ms", 30000) * tsc_khz());
}
