/*
 * mem: a polling virtio-mem driver. Finds the device, accepts UNPLUGGED_INACCESSIBLE, reads the
 * configuration (block size, region address and size), maps the first GiB of the region (2 MiB
 * pages through a PML4 entry of its own, written from ring 3: the page tables are user writable),
 * prints "ready" and waits (wait_ms=, 30000) for the host to raise requested_size. It plugs up to
 * it in one PLUG request, checks plugged_size, writes a pattern into every 4 KiB page of the
 * plugged memory and reads it back, asks STATE, prints "plugged" and waits for the host to lower
 * requested_size; then unplugs down to it, checks plugged_size and STATE again, prints
 * "unplugged" and waits for a line from the host (at most linger_ms=, 30000) before it ends.
 */
#include "virtio.h"

#define VIRTIO_ID_MEM 24
#define F_UNPLUGGED_INACCESSIBLE (1UL << 1)
#define REQ_PLUG 0
#define REQ_UNPLUG 1
#define REQ_STATE 3
#define RESP_ACK 0
#define STATE_PLUGGED 0
#define STATE_UNPLUGGED 1

struct mem_req {
  u16 type;
  u16 padding[3];
  u64 addr;
  u16 nb_blocks;
  u16 padding2[3];
};

struct mem_resp {
  u16 type;
  u16 padding[3];
  u16 state;
};

extern u64 pml4[512];
static u64 pdpt[512] __attribute__((aligned(4096)));
static u64 pd[512] __attribute__((aligned(4096)));
static struct mem_req req;
static struct mem_resp resp;

static u64 config64(struct virtio_dev *d, u32 off) {
  return virtio_config32(d, off) | (u64)virtio_config32(d, off + 4) << 32;
}

/* One request; false (after a report) if it timed out or was not acknowledged. */
static bool send(struct virtq *q, u16 type, u64 addr, u16 blocks, const char *check) {
  req = (struct mem_req){.type = type, .addr = addr, .nb_blocks = blocks};
  resp = (struct mem_resp){.type = 0xFFFF};
  struct vbuf bufs[2] = {{&req, sizeof req, false}, {&resp, sizeof resp, true}};
  u32 len;
  if (!virtq_transfer(q, bufs, 2, 5000000, &len)) {
    report_fail(check, "request %u timed out", type);
    return false;
  }
  return report_check(resp.type == RESP_ACK, check, "request %u at 0x%lx x%u: response %u", type, addr, blocks, resp.type);
}

/* Waits until requested_size satisfies want (1: above, 0: below) `than`; returns it, or ~0. */
static u64 await_requested(struct virtio_dev *d, bool above, u64 than, u64 limit) {
  u64 start = rdtsc();
  for (;;) {
    u64 requested = config64(d, 48);
    if (above ? requested > than : requested < than) return requested;
    if (rdtsc() - start > limit) return ~0UL;
    for (int i = 0; i < 100000; i++) cpu_relax();
  }
}

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq q;
  u64 limit = cmdline_u64("wait_ms", 30000) * tsc_khz();
  if (!report_check(virtio_find(VIRTIO_ID_MEM, 0, &dev), "mem-found", "no virtio-mem device")) return;
  if (!virtio_init(&dev, F_UNPLUGGED_INACCESSIBLE)) return;
  report_info("features_offered", "0x%lx", dev.offered);
  if (!report_check(dev.accepted & F_UNPLUGGED_INACCESSIBLE, "mem-features", "UNPLUGGED_INACCESSIBLE not offered")) return;
  if (!virtq_setup(&dev, &q, 0, 8)) return;
  virtio_driver_ok(&dev);

  u64 block = config64(&dev, 0), addr = config64(&dev, 16), size = config64(&dev, 24);
  report_info("block_size", "0x%lx", block);
  report_info("region_addr", "0x%lx", addr);
  report_info("region_size", "0x%lx", size);
  u64 expect = cmdline_u64("expect_addr", 0);
  bool shaped = block >= (2UL << 20) && (addr & ((1UL << 39) - 1)) == 0 && addr == (1UL << 39) && size <= (1UL << 30);
  if (!report_check(shaped && (expect == 0 || expect == addr), "mem-config",
                    "block 0x%lx region 0x%lx+0x%lx (expected: at 512 GiB, at most 1 GiB)", block, addr, size)) return;
  /* Identity map [512 GiB, 513 GiB): virtual = physical, as the rest of the guest. */
  for (u64 i = 0; i < 512; i++) pd[i] = (addr + (i << 21)) | 0x87;
  pdpt[0] = (u64)pd | 0x7;
  pml4[1] = (u64)pdpt | 0x7;
  printf("ready\n");

  u64 requested = await_requested(&dev, true, 0, limit);
  if (!report_check(requested != ~0UL, "mem-requested", "requested_size still 0 after wait_ms")) return;
  report_info("requested", "0x%lx", requested);
  if (!report_check(requested % block == 0 && requested <= size, "mem-requested", "requested 0x%lx", requested)) return;
  if (!send(&q, REQ_PLUG, addr, (u16)(requested / block), "mem-plug")) return;
  u64 plugged = config64(&dev, 40);
  if (!report_check(plugged == requested, "mem-plugged-size", "plugged_size 0x%lx (expected: 0x%lx)", plugged, requested)) return;

  for (u64 off = 0; off < plugged; off += 4096) *(volatile u64 *)(addr + off) = off ^ 0x5A5A5A5A5A5AUL;
  u64 bad = 0;
  for (u64 off = 0; off < plugged; off += 4096) bad += *(volatile u64 *)(addr + off) != (off ^ 0x5A5A5A5A5A5AUL);
  report_check(bad == 0, "mem-pattern", "%lu of %lu pages read back wrong", bad, plugged / 4096);
  if (!send(&q, REQ_STATE, addr, (u16)(plugged / block), "mem-state")) return;
  report_check(resp.state == STATE_PLUGGED, "mem-state-plugged", "state %u (expected: plugged)", resp.state);
  printf("plugged\n");

  u64 lower = await_requested(&dev, false, plugged, limit);
  if (!report_check(lower != ~0UL, "mem-lowered", "requested_size not lowered after wait_ms")) return;
  if (!send(&q, REQ_UNPLUG, addr + lower, (u16)((plugged - lower) / block), "mem-unplug")) return;
  plugged = config64(&dev, 40);
  report_check(plugged == lower, "mem-unplugged-size", "plugged_size 0x%lx (expected: 0x%lx)", plugged, lower);
  if (!send(&q, REQ_STATE, addr + lower, (u16)((requested - lower) / block), "mem-state")) return;
  report_check(resp.state == STATE_UNPLUGGED, "mem-state-unplugged", "state %u (expected: unplugged)", resp.state);
  if (lower > 0) {
    report_check(*(volatile u64 *)addr == 0x5A5A5A5A5A5AUL, "mem-kept", "the still plugged block lost its pattern");
  }
  printf("unplugged\n");
  u64 linger = cmdline_u64("linger_ms", 30000) * tsc_khz();
  u64 start = rdtsc();
  char c;
  while (rdtsc() - start <= linger && !(uart_try_getc(&c) && c == '\n')) {
  }
}
