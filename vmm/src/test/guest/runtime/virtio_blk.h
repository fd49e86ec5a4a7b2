/* virtio-blk requests on top of the polling virtio driver. */
#ifndef GUEST_VIRTIO_BLK_H
#define GUEST_VIRTIO_BLK_H
#include "virtio.h"

#define VIRTIO_BLK_F_RO (1UL << 5)
#define VIRTIO_BLK_F_FLUSH (1UL << 9)
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define SECTOR_SIZE 512

struct blk {
  struct virtio_dev dev;
  struct virtq q;
  u64 capacity; /* in 512-byte sectors */
};

/* The first virtio-blk device, initialised with the wanted features it offers. */
bool blk_open(struct blk *b, u64 wanted);
/* One request (data NULL and len 0 for a flush): the device's status byte, or -1 on a timeout. */
int blk_request(struct blk *b, u32 type, u64 sector, void *data, u32 len);
/* blk_request that reports a failed check unless the status is VIRTIO_BLK_S_OK. */
bool blk_checked(struct blk *b, const char *check, u32 type, u64 sector, void *data, u32 len);

#endif
