/* virtio-mmio version 2 with split virtqueues, driven by polling the used ring. */
#include "virtio.h"

#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define STATUS 0x070
#define QUEUE_DESC 0x080
#define QUEUE_DRIVER 0x090
#define QUEUE_DEVICE 0x0A0

#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8

#define MAGIC_VIRT 0x74726976
#define PROBE_BASE 0xC0001000UL
#define PROBE_SLOTS 32
#define MAX_QUEUES 4
#define QUEUE_MAX 256

/* Each queue gets a page for descriptors, one for the avail ring and one for the used ring. */
static u8 queue_memory[MAX_QUEUES][3][4096] __attribute__((aligned(4096)));
static int queues_used;

static bool is_device(u64 base, u32 device_id) {
  return mmio_read32(base + MAGIC) == MAGIC_VIRT && mmio_read32(base + DEVICE_ID) == device_id;
}

/* "<size>@<base>:<irq>", size with an optional K/M suffix. */
static bool parse_entry(const char *s, u64 *base, u32 *irq) {
  const char *at = s, *colon;
  while (*at && *at != '@') at++;
  if (!*at) return false;
  colon = at + 1;
  while (*colon && *colon != ':') colon++;
  u64 size, v;
  if (!parse_u64(s, (size_t)(at - s), &size) || !parse_u64(at + 1, (size_t)(colon - at - 1), base))
    return false;
  *irq = 0;
  if (*colon) {
    const char *end = colon + 1;
    while (*end >= '0' && *end <= '9') end++;
    if (!parse_u64(colon + 1, (size_t)(end - colon - 1), &v)) return false;
    *irq = (u32)v;
  }
  return true;
}

bool virtio_find(u32 device_id, int n, struct virtio_dev *dev) {
  char entry[64];
  u64 base;
  u32 irq;
  bool listed = false;
  for (int i = 0; cmdline_get_nth("virtio_mmio.device", i, entry, sizeof entry); i++) {
    listed = true;
    if (!parse_entry(entry, &base, &irq)) {
      report_fail("virtio-cmdline", "virtio_mmio.device=%s (expected: <size>@<base>:<irq>)", entry);
      continue;
    }
    if (is_device(base, device_id) && n-- == 0) {
      *dev = (struct virtio_dev){.base = base, .irq = irq, .device_id = device_id};
      return true;
    }
  }
  if (listed) return false;
  for (int i = 0; i < PROBE_SLOTS; i++) {
    base = PROBE_BASE + (u64)i * 0x1000;
    if (is_device(base, device_id) && n-- == 0) {
      *dev = (struct virtio_dev){.base = base, .irq = 0, .device_id = device_id};
      return true;
    }
  }
  return false;
}

bool virtio_init(struct virtio_dev *dev, u64 wanted) {
  u64 b = dev->base;
  u32 version = mmio_read32(b + VERSION);
  if (version != 2) {
    report_fail("virtio-version", "version: %u at 0x%lx (expected: 2)", version, b);
    return false;
  }
  mmio_write32(b + STATUS, 0);
  mmio_write32(b + STATUS, S_ACKNOWLEDGE);
  mmio_write32(b + STATUS, S_ACKNOWLEDGE | S_DRIVER);
  mmio_write32(b + DEVICE_FEATURES_SEL, 0);
  u64 offered = mmio_read32(b + DEVICE_FEATURES);
  mmio_write32(b + DEVICE_FEATURES_SEL, 1);
  offered |= (u64)mmio_read32(b + DEVICE_FEATURES) << 32;
  dev->offered = offered;
  if (!(offered & VIRTIO_F_VERSION_1)) {
    report_fail("virtio-features", "offered: 0x%lx (expected: VERSION_1, bit 32)", offered);
    return false;
  }
  dev->accepted = (wanted | VIRTIO_F_VERSION_1) & offered;
  mmio_write32(b + DRIVER_FEATURES_SEL, 0);
  mmio_write32(b + DRIVER_FEATURES, (u32)dev->accepted);
  mmio_write32(b + DRIVER_FEATURES_SEL, 1);
  mmio_write32(b + DRIVER_FEATURES, (u32)(dev->accepted >> 32));
  mmio_write32(b + STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
  u32 status = mmio_read32(b + STATUS);
  if (!(status & S_FEATURES_OK)) {
    report_fail("virtio-features", "status: 0x%x after FEATURES_OK (expected: bit 3 kept)", status);
    return false;
  }
  return true;
}

bool virtq_setup(struct virtio_dev *dev, struct virtq *q, u32 index, u16 max_size) {
  u64 b = dev->base;
  if (queues_used == MAX_QUEUES) {
    report_fail("virtio-queue", "more than %d queues", MAX_QUEUES);
    return false;
  }
  mmio_write32(b + QUEUE_SEL, index);
  u32 max = mmio_read32(b + QUEUE_NUM_MAX);
  if (max == 0 || mmio_read32(b + QUEUE_READY)) {
    report_fail("virtio-queue", "queue %u: max %u (expected: > 0 and not ready)", index, max);
    return false;
  }
  u16 size = max < max_size ? (u16)max : max_size;
  if (size > QUEUE_MAX) size = QUEUE_MAX;
  u8(*mem)[4096] = queue_memory[queues_used++];
  memset(mem, 0, 3 * 4096);
  *q = (struct virtq){.dev = dev, .index = index, .size = size, .num_free = size,
      .desc = (void *)mem[0], .avail = (void *)mem[1], .used = (void *)mem[2]};
  for (u16 i = 0; i + 1 < size; i++) q->desc[i].next = (u16)(i + 1);
  mmio_write32(b + QUEUE_NUM, size);
  mmio_write32(b + QUEUE_DESC, (u32)(u64)q->desc);
  mmio_write32(b + QUEUE_DESC + 4, (u32)((u64)q->desc >> 32));
  mmio_write32(b + QUEUE_DRIVER, (u32)(u64)q->avail);
  mmio_write32(b + QUEUE_DRIVER + 4, (u32)((u64)q->avail >> 32));
  mmio_write32(b + QUEUE_DEVICE, (u32)(u64)q->used);
  mmio_write32(b + QUEUE_DEVICE + 4, (u32)((u64)q->used >> 32));
  mmio_write32(b + QUEUE_READY, 1);
  return true;
}

void virtio_driver_ok(struct virtio_dev *dev) {
  mmio_write32(dev->base + STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

int virtq_add(struct virtq *q, const struct vbuf *bufs, int n) {
  if (n <= 0 || n > q->num_free) return -1;
  u16 head = q->free_head, d = head;
  for (int i = 0; i < n; i++) {
    struct virtq_desc *desc = &q->desc[d];
    desc->addr = (u64)bufs[i].addr;
    desc->len = bufs[i].len;
    desc->flags = (u16)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                        (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
    if (i + 1 < n) d = desc->next;
  }
  q->free_head = q->desc[d].next;
  q->num_free = (u16)(q->num_free - n);
  q->avail->ring[q->avail_idx % q->size] = head;
  /* The device must see the ring entry before the index that publishes it. */
  barrier();
  q->avail_idx++;
  *(volatile u16 *)&q->avail->idx = q->avail_idx;
  return head;
}

void virtq_kick(struct virtq *q) {
  mb();
  mmio_write32(q->dev->base + QUEUE_NOTIFY, q->index);
}

static void recycle(struct virtq *q, u16 head) {
  u16 d = head, n = 1;
  while (q->desc[d].flags & VIRTQ_DESC_F_NEXT) {
    d = q->desc[d].next;
    n++;
  }
  q->desc[d].next = q->free_head;
  q->free_head = head;
  q->num_free = (u16)(q->num_free + n);
}

bool virtq_poll(struct virtq *q, u64 timeout_us, u32 *head, u32 *len) {
  u64 start = rdtsc(), limit = timeout_us * tsc_khz() / 1000;
  while (*(volatile u16 *)&q->used->idx == q->last_used) {
    if (rdtsc() - start > limit) return false;
    cpu_relax();
  }
  barrier();
  struct virtq_used_elem e = q->used->ring[q->last_used % q->size];
  q->last_used++;
  if (e.id >= q->size) {
    report_fail("virtio-used", "used id: %u (expected: < queue size %u)", e.id, q->size);
    return false;
  }
  recycle(q, (u16)e.id);
  *head = e.id;
  *len = e.len;
  return true;
}

bool virtq_transfer(struct virtq *q, const struct vbuf *bufs, int n, u64 timeout_us, u32 *len) {
  u32 head;
  int added = virtq_add(q, bufs, n);
  if (added < 0) return false;
  virtq_kick(q);
  return virtq_poll(q, timeout_us, &head, len) && head == (u32)added;
}
