/*
 * pmem: a polling virtio-pmem driver. Finds the device, reads its region (start, size) from the
 * configuration space, checks the 64-bit marker the host wrote at offset 0 of the file (marker=),
 * then writes write= at offset 8 with an ordinary store and reads it back. With ro=1 the store
 * must not land (the region is a read-only memory slot: KVM hands the store to the VMM, which
 * drops it). Otherwise it sends a flush (request type 0, a 4-byte status) and checks the status is
 * 0. With go= it then prints "ready" and polls offset 16 of the region until the host has written
 * go= into the file (at most wait_ms=, 30000; a snapshot may be taken and restored meanwhile),
 * writes write2= at offset 24 and flushes again. It reports how long the first flush took (flush_us:
 * notify, msync of the file on the host, interrupt-free completion seen by polling). The region is reached through the page tables'
 * second PML4 entry, which maps [512 GiB, 513 GiB) (runtime/entry.S).
 */
#include "virtio.h"

#define VIRTIO_ID_PMEM 27
#define PMEM_WINDOW (512UL << 30)
#define PMEM_MAPPED (1UL << 30)

static u32 request;
static u32 status;

static u64 config64(struct virtio_dev *dev, u32 off) {
  return (u64)virtio_config32(dev, off) | (u64)virtio_config32(dev, off + 4) << 32;
}

static volatile u64 *at(u64 start, u64 offset) { return (volatile u64 *)(start + offset); }

/* One flush request; its status, or 0x7fffffff if it timed out or came back short. */
static u32 flush(struct virtq *q) {
  request = 0;
  status = 0x5a5a5a5a;
  struct vbuf b[2] = {{&request, 4, false}, {&status, 4, true}};
  u32 len;
  if (!virtq_transfer(q, b, 2, 5000000, &len) || len != 4) return 0x7fffffff;
  return status;
}

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq q;
  if (!report_check(virtio_find(VIRTIO_ID_PMEM, 0, &dev), "pmem-found", "no virtio-pmem device"))
    return;
  if (!virtio_init(&dev, 0) || !virtq_setup(&dev, &q, 0, 8)) return;
  virtio_driver_ok(&dev);
  u64 start = config64(&dev, 0);
  u64 size = config64(&dev, 8);
  report_info("pmem_start", "0x%lx", start);
  report_info("pmem_size", "0x%lx", size);
  bool placed = start >= PMEM_WINDOW && start + size <= PMEM_WINDOW + PMEM_MAPPED &&
                size % (2UL << 20) == 0 && size > 0;
  if (!report_check(placed, "pmem-region", "start 0x%lx size 0x%lx (expected: 2 MiB aligned, inside"
                    " [512 GiB, 513 GiB))", start, size))
    return;
  u64 marker = *at(start, 0);
  report_info("pmem_marker", "0x%lx", marker);
  report_check(marker == cmdline_u64("marker", 0), "pmem-read", "0x%lx (expected: 0x%lx)", marker,
               cmdline_u64("marker", 0));
  u64 value = cmdline_u64("write", 0x1122334455667788UL);
  u64 before = *at(start, 8);
  *at(start, 8) = value;
  mb();
  u64 after = *at(start, 8);
  if (cmdline_u64("ro", 0)) {
    report_check(after == before, "pmem-read-only", "a store to a read-only region landed: 0x%lx",
                 after);
    return;
  }
  report_check(after == value, "pmem-write", "read back 0x%lx (expected: 0x%lx)", after, value);
  u64 f0 = rdtsc();
  u32 result = flush(&q);
  report_info("flush_us", "%lu", (rdtsc() - f0) * 1000 / tsc_khz());
  report_info("flush_status", "%d", (int)result);
  report_check(result == 0, "pmem-flush", "status %d (expected: 0)", (int)result);
  u64 go = cmdline_u64("go", 0);
  if (go == 0) return;
  printf("ready\n");
  u64 limit = cmdline_u64("wait_ms", 30000) * tsc_khz();
  u64 t0 = rdtsc();
  while (*at(start, 16) != go) {
    if (rdtsc() - t0 > limit) {
      report_fail("pmem-go", "the host did not write 0x%lx at offset 16", go);
      return;
    }
    cpu_relax();
  }
  report_ok("pmem-go");
  *at(start, 24) = cmdline_u64("write2", 0x0102030405060708UL);
  mb();
  result = flush(&q);
  report_check(result == 0, "pmem-flush-again", "status %d (expected: 0)", (int)result);
}
