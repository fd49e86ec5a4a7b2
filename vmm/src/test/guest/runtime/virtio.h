/* A polling virtio-mmio (version 2) driver: discovery, feature negotiation, split queues. */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H
#include "runtime.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG 4
#define VIRTIO_F_VERSION_1 (1UL << 32)

#define VIRTIO_MMIO_CONFIG 0x100

struct virtio_dev {
  u64 base;
  u32 irq;
  u32 device_id;
  u64 offered;
  u64 accepted;
};

struct virtq_desc {
  u64 addr;
  u32 len;
  u16 flags;
  u16 next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_avail {
  u16 flags;
  u16 idx;
  u16 ring[];
};

struct virtq_used_elem {
  u32 id;
  u32 len;
};

struct virtq_used {
  u16 flags;
  u16 idx;
  struct virtq_used_elem ring[];
};

struct virtq {
  struct virtio_dev *dev;
  u32 index;
  u16 size;
  u16 free_head;
  u16 num_free;
  u16 avail_idx;
  u16 last_used;
  struct virtq_desc *desc;
  struct virtq_avail *avail;
  struct virtq_used *used;
};

/* One buffer of a chain: the device reads it, or writes it when device_writes. */
struct vbuf {
  const void *addr;
  u32 len;
  bool device_writes;
};

/*
 * Finds the n-th device (from 0) of a type: first from the virtio_mmio.device=<size>@<base>:<irq>
 * command-line entries, else by probing the Firecracker slots 0xC0001000 + i * 0x1000.
 */
bool virtio_find(u32 device_id, int n, struct virtio_dev *dev);
/* Reset, ACKNOWLEDGE, DRIVER, features (wanted & offered, plus VERSION_1), FEATURES_OK. */
bool virtio_init(struct virtio_dev *dev, u64 wanted);
/* Sets up queue index with at most max_size entries; false (after a report) if impossible. */
bool virtq_setup(struct virtio_dev *dev, struct virtq *q, u32 index, u16 max_size);
void virtio_driver_ok(struct virtio_dev *dev);

/* Adds a chain and publishes it in the avail ring; returns the head, or -1 if it does not fit. */
int virtq_add(struct virtq *q, const struct vbuf *bufs, int n);
void virtq_kick(struct virtq *q);
/* Waits up to timeout_us for a used entry; recycles its descriptors. */
bool virtq_poll(struct virtq *q, u64 timeout_us, u32 *head, u32 *len);
/* One request, kicked and waited for; false if it timed out. */
bool virtq_transfer(struct virtq *q, const struct vbuf *bufs, int n, u64 timeout_us, u32 *len);

static inline u8 virtio_config8(struct virtio_dev *d, u32 off) { return mmio_read8(d->base + VIRTIO_MMIO_CONFIG + off); }
static inline u32 virtio_config32(struct virtio_dev *d, u32 off) { return mmio_read32(d->base + VIRTIO_MMIO_CONFIG + off); }

#endif
