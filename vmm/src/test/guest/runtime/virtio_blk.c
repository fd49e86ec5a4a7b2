/* virtio-blk: header, data, status, one request at a time. */
#include "virtio_blk.h"

#define REQUEST_TIMEOUT_US 5000000

struct request_header {
  u32 type;
  u32 reserved;
  u64 sector;
};

static struct request_header header;
static volatile u8 status;

bool blk_open(struct blk *b, u64 wanted) {
  if (!report_check(virtio_find(VIRTIO_ID_BLOCK, 0, &b->dev), "blk-found", "no virtio-blk device"))
    return false;
  if (!virtio_init(&b->dev, wanted) || !virtq_setup(&b->dev, &b->q, 0, 16)) return false;
  virtio_driver_ok(&b->dev);
  b->capacity = virtio_config32(&b->dev, 0) | (u64)virtio_config32(&b->dev, 4) << 32;
  return true;
}

int blk_request(struct blk *b, u32 type, u64 sector, void *data, u32 len) {
  header = (struct request_header){type, 0, sector};
  status = 0xFF;
  struct vbuf bufs[3];
  int n = 0;
  bufs[n++] = (struct vbuf){&header, sizeof header, false};
  if (len) bufs[n++] = (struct vbuf){data, len, type == VIRTIO_BLK_T_IN};
  bufs[n++] = (struct vbuf){(const void *)&status, 1, true};
  u32 written;
  if (!virtq_transfer(&b->q, bufs, n, REQUEST_TIMEOUT_US, &written)) return -1;
  return status;
}

bool blk_checked(struct blk *b, const char *check, u32 type, u64 sector, void *data, u32 len) {
  int s = blk_request(b, type, sector, data, len);
  if (s < 0) {
    report_fail(check, "type %u sector %lu: no completion within %u ms", type, sector,
        REQUEST_TIMEOUT_US / 1000);
  } else if (s != VIRTIO_BLK_S_OK) {
    report_fail(check, "type %u sector %lu: status %d (expected: 0)", type, sector, s);
  } else {
    report_ok(check);
  }
  return s == VIRTIO_BLK_S_OK;
}
