/*
 * vsock: a virtio-vsock driver with credit-based flow control, in three acts.
 *   1. Host-initiated echo: waits up to wait_ms= (30000) for a connection request to port
 *      listen_port= (52), accepts it and echoes every byte back until the host shuts down.
 *   2. Guest-initiated round trip: connects to host port connect_port= (53), sends bytes= bytes
 *      (1048576) of a pseudo-random stream, checks the host echoes exactly that stream back.
 *   3. Refusal: connects to refused_port= (54), where nobody listens, and expects an RST.
 * With snapshot=1, first a host connection to listen_port is accepted and left open, the guest
 * says "snapshot-me" and waits up to wait_ms for the event queue's VIRTIO_VSOCK_EVENT_TRANSPORT_RESET
 * (the VMM restored from a snapshot sends it), acknowledges it by giving the event buffer back, and
 * only then plays the three acts, on connections made after the restore.
 * Checks: vsock-found, vsock-cid, vsock-host-accept, vsock-host-echo, vsock-connect,
 * vsock-roundtrip, vsock-shutdown, vsock-refused, and with snapshot=1 vsock-before-snapshot and
 * vsock-reset; values: cid, host_echo_bytes, roundtrip_bytes, roundtrip_us, roundtrip_mib_per_s,
 * packets_in, packets_out.
 */
#include "virtio.h"

#define VIRTIO_ID_VSOCK 19
#define HDR 44
#define OP_REQUEST 1
#define OP_RESPONSE 2
#define OP_RST 3
#define OP_SHUTDOWN 4
#define OP_RW 5
#define OP_CREDIT_UPDATE 6
#define OP_CREDIT_REQUEST 7
#define HOST_CID 2
#define GUEST_PORT 1024
#define DATA 65536
#define RX_BUFFERS 8
#define TX_SLOTS 8
#define RING (256 * 1024)
#define EVENT_TRANSPORT_RESET 0

struct hdr {
  u64 src_cid, dst_cid;
  u32 src_port, dst_port, len;
  u16 type, op;
  u32 flags, buf_alloc, fwd_cnt;
} __attribute__((packed));

static u8 rx_buf[RX_BUFFERS][HDR + DATA] __attribute__((aligned(64)));
static u8 tx_buf[TX_SLOTS][HDR + DATA] __attribute__((aligned(64)));
static bool tx_busy[TX_SLOTS];
static u8 ring[RING]; /* act 1: received, not yet echoed */
static struct virtq rxq, txq, evq;
static u8 events[4][4];
static u64 cid;

/* One connection at a time. */
static struct {
  u32 local_port, peer_port;
  u32 peer_buf_alloc, peer_fwd_cnt, tx_cnt; /* the host's credit for what we send */
  u32 fwd_cnt, fwd_sent;                    /* what we consumed, and last told */
  bool credit_asked;
  u32 ring_head, ring_tail;
} c;
static u32 packets_in, packets_out;

static void post_rx(u32 i) {
  struct vbuf b = {rx_buf[i], HDR + DATA, true};
  virtq_add(&rxq, &b, 1);
}

static void reclaim_tx(void) {
  u32 head, len;
  while (virtq_poll(&txq, 0, &head, &len)) {
    for (int i = 0; i < TX_SLOTS; i++) {
      if ((u64)txq.desc[head].addr == (u64)tx_buf[i]) tx_busy[i] = false;
    }
  }
}

/* Sends a packet; waits for a free slot. False if the device never frees one. */
static bool send(u16 op, u32 flags, const u8 *data, u32 len) {
  u64 start = rdtsc(), limit = 2000000 * tsc_khz() / 1000;
  int slot = -1;
  while (slot < 0) {
    reclaim_tx();
    for (int i = 0; i < TX_SLOTS && slot < 0; i++) {
      if (!tx_busy[i]) slot = i;
    }
    if (slot < 0 && rdtsc() - start > limit) {
      report_fail("vsock-send", "no transmit slot came back within 2 s");
      return false;
    }
  }
  struct hdr *h = (struct hdr *)tx_buf[slot];
  *h = (struct hdr){.src_cid = cid, .dst_cid = HOST_CID, .src_port = c.local_port,
      .dst_port = c.peer_port, .len = len, .type = 1, .op = op, .flags = flags,
      .buf_alloc = RING, .fwd_cnt = c.fwd_cnt};
  if (len) memcpy(tx_buf[slot] + HDR, data, len);
  tx_busy[slot] = true;
  struct vbuf b = {tx_buf[slot], HDR + len, false};
  virtq_add(&txq, &b, 1);
  virtq_kick(&txq);
  c.fwd_sent = c.fwd_cnt;
  if (op == OP_RW) c.tx_cnt += len;
  packets_out++;
  return true;
}

static u32 host_credit(void) { return c.peer_buf_alloc - (c.tx_cnt - c.peer_fwd_cnt); }

/* The next packet for us, or false if none came within timeout_us. data points into rx_buf. */
static bool receive(struct hdr *h, const u8 **data, u32 *index, u64 timeout_us) {
  u32 head, len;
  if (!virtq_poll(&rxq, timeout_us, &head, &len)) return false;
  u32 i = (u32)(((u64)rxq.desc[head].addr - (u64)rx_buf[0]) / (HDR + DATA));
  if (i >= RX_BUFFERS || len < HDR) {
    report_fail("vsock-rx", "used buffer %u with %u bytes", head, len);
    return false;
  }
  memcpy(h, rx_buf[i], HDR);
  *data = rx_buf[i] + HDR;
  *index = i;
  packets_in++;
  if (h->len > len - HDR) h->len = len - HDR;
  c.peer_buf_alloc = h->buf_alloc;
  c.peer_fwd_cnt = h->fwd_cnt;
  if (host_credit() > 0) c.credit_asked = false;
  return true;
}

static void recycle(u32 index) {
  post_rx(index);
  virtq_kick(&rxq);
}

/* Tells the host how much we consumed once half our buffer went unreported. */
static void maybe_credit_update(void) {
  if (c.fwd_cnt - c.fwd_sent >= RING / 2) send(OP_CREDIT_UPDATE, 0, 0, 0);
}

/* Waits up to wait_us for a connection request to listen_port and accepts it. */
static bool accept_connection(u32 listen_port, u64 wait_us) {
  struct hdr h;
  const u8 *data;
  u32 index;
  c = (typeof(c)){0};
  u64 start = rdtsc(), limit = wait_us * tsc_khz() / 1000;
  while (rdtsc() - start <= limit) {
    if (!receive(&h, &data, &index, 1000)) continue;
    recycle(index);
    if (h.op == OP_REQUEST && h.dst_port == listen_port && h.src_cid == HOST_CID) {
      c.local_port = listen_port;
      c.peer_port = h.src_port;
      c.peer_buf_alloc = h.buf_alloc;
      c.peer_fwd_cnt = h.fwd_cnt;
      return send(OP_RESPONSE, 0, 0, 0);
    }
  }
  return false;
}

/* Act 1: echo a host-initiated connection until it shuts down. */
static void host_echo(u32 listen_port, u64 wait_us) {
  struct hdr h;
  const u8 *data;
  u32 index;
  u64 limit = wait_us * tsc_khz() / 1000;
  if (!report_check(accept_connection(listen_port, wait_us), "vsock-host-accept",
          "no connection request within wait_ms")) {
    return;
  }
  u32 echoed = 0;
  u64 idle = rdtsc();
  while (rdtsc() - idle < limit) {
    /* Echo what the ring holds, as far as the host's credit goes. */
    while (c.ring_head != c.ring_tail && host_credit() > 0) {
      u32 at = c.ring_tail % RING, n = c.ring_head - c.ring_tail;
      if (n > RING - at) n = RING - at;
      if (n > DATA) n = DATA;
      if (n > host_credit()) n = host_credit();
      c.ring_tail += n;
      c.fwd_cnt += n;
      if (!send(OP_RW, 0, ring + at, n)) return;
      echoed += n;
    }
    if (c.ring_head != c.ring_tail && host_credit() == 0 && !c.credit_asked) {
      c.credit_asked = send(OP_CREDIT_REQUEST, 0, 0, 0);
    }
    if (!receive(&h, &data, &index, 100)) continue;
    idle = rdtsc();
    if (h.dst_port != c.local_port || h.src_port != c.peer_port) {
      recycle(index);
      continue;
    }
    if (h.op == OP_RW) {
      if (h.len > RING - (c.ring_head - c.ring_tail)) {
        report_fail("vsock-host-echo", "the host sent %u bytes past our credit", h.len);
        return;
      }
      for (u32 k = 0; k < h.len; k++) ring[(c.ring_head + k) % RING] = data[k];
      c.ring_head += h.len;
      recycle(index);
    } else if (h.op == OP_SHUTDOWN || h.op == OP_RST) {
      recycle(index);
      if (h.op == OP_SHUTDOWN) send(OP_RST, 0, 0, 0);
      report_info("host_echo_bytes", "%u", echoed);
      report_check(echoed > 0 && c.ring_head == c.ring_tail, "vsock-host-echo",
          "echoed %u of %u bytes", echoed, c.ring_head);
      return;
    } else {
      if (h.op == OP_CREDIT_REQUEST) send(OP_CREDIT_UPDATE, 0, 0, 0);
      recycle(index);
    }
  }
  report_fail("vsock-host-echo", "the connection went quiet after %u bytes", echoed);
}

/* xorshift: the stream both ends of act 2 agree on. */
static u8 stream_byte(u32 *state) {
  u32 x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return (u8)x;
}

static bool connect(u32 port, u16 *answer) {
  struct hdr h;
  const u8 *data;
  u32 index;
  c = (typeof(c)){0};
  c.local_port = GUEST_PORT + port;
  c.peer_port = port;
  if (!send(OP_REQUEST, 0, 0, 0)) return false;
  for (int tries = 0; tries < 5000; tries++) {
    if (!receive(&h, &data, &index, 1000)) continue;
    recycle(index);
    if (h.src_port == port && h.dst_port == c.local_port) {
      *answer = h.op;
      return true;
    }
  }
  return false;
}

/* Act 2: send `bytes` of the stream, read the echo back, check it, shut down. */
static void round_trip(u32 port, u32 bytes) {
  u16 answer = 0;
  if (!report_check(connect(port, &answer) && answer == OP_RESPONSE, "vsock-connect",
          "answer op %u (expected: RESPONSE)", answer)) {
    return;
  }
  static u8 chunk[DATA];
  u32 out_state = 0x12345678, in_state = 0x12345678;
  u32 sent = 0, received = 0, mismatch = 0;
  u64 start = rdtsc(), limit = 30000000UL * tsc_khz() / 1000;
  struct hdr h;
  const u8 *data;
  u32 index;
  while (received < bytes && rdtsc() - start < limit) {
    if (sent < bytes && host_credit() > 0) {
      u32 n = bytes - sent;
      if (n > DATA) n = DATA;
      if (n > host_credit()) n = host_credit();
      for (u32 k = 0; k < n; k++) chunk[k] = stream_byte(&out_state);
      if (!send(OP_RW, 0, chunk, n)) return;
      sent += n;
    } else if (sent < bytes && !c.credit_asked) {
      c.credit_asked = send(OP_CREDIT_REQUEST, 0, 0, 0);
    }
    if (!receive(&h, &data, &index, sent < bytes ? 0 : 1000)) continue;
    if (h.op == OP_RW) {
      for (u32 k = 0; k < h.len; k++) mismatch += data[k] != stream_byte(&in_state);
      received += h.len;
      c.fwd_cnt += h.len;
    } else if (h.op == OP_RST || h.op == OP_SHUTDOWN) {
      recycle(index);
      break;
    } else if (h.op == OP_CREDIT_REQUEST) {
      send(OP_CREDIT_UPDATE, 0, 0, 0);
    }
    recycle(index);
    maybe_credit_update();
  }
  u64 cycles = rdtsc() - start;
  u64 us = cycles * 1000 / tsc_khz();
  report_info("roundtrip_bytes", "%u", received);
  report_info("roundtrip_us", "%lu", us);
  report_info("roundtrip_mib_per_s", "%lu", us ? (u64)bytes * 2 * 1000000 / us / (1 << 20) : 0);
  if (!report_check(received == bytes && mismatch == 0, "vsock-roundtrip",
          "%u of %u bytes back, %u differ", received, bytes, mismatch)) {
    return;
  }
  send(OP_SHUTDOWN, 3, 0, 0);
  for (int tries = 0; tries < 5000; tries++) {
    if (!receive(&h, &data, &index, 1000)) continue;
    recycle(index);
    if (h.op == OP_RST) {
      report_ok("vsock-shutdown");
      return;
    }
  }
  report_fail("vsock-shutdown", "no RST after our SHUTDOWN");
}

void guest_main(void) {
  struct virtio_dev dev;
  u32 listen_port = (u32)cmdline_u64("listen_port", 52);
  u32 connect_port = (u32)cmdline_u64("connect_port", 53);
  u32 refused_port = (u32)cmdline_u64("refused_port", 54);
  u32 bytes = (u32)cmdline_u64("bytes", 1 << 20);
  u64 wait_us = cmdline_u64("wait_ms", 30000) * 1000;
  if (!report_check(virtio_find(VIRTIO_ID_VSOCK, 0, &dev), "vsock-found", "no virtio-vsock device"))
    return;
  if (!virtio_init(&dev, 0)) return;
  if (!virtq_setup(&dev, &rxq, 0, 64) || !virtq_setup(&dev, &txq, 1, 64) ||
      !virtq_setup(&dev, &evq, 2, 4)) {
    return;
  }
  cid = (u64)virtio_config32(&dev, 0) | (u64)virtio_config32(&dev, 4) << 32;
  report_info("cid", "%lu", cid);
  report_check(cid == cmdline_u64("expect_cid", 3), "vsock-cid", "cid %lu", cid);
  for (u32 i = 0; i < RX_BUFFERS; i++) post_rx(i);
  for (u32 i = 0; i < 4; i++) {
    struct vbuf b = {events[i], 4, true};
    virtq_add(&evq, &b, 1);
  }
  virtio_driver_ok(&dev);
  virtq_kick(&rxq);
  virtq_kick(&evq);
  printf("ready\n");

  if (cmdline_u64("snapshot", 0)) {
    if (!report_check(accept_connection(listen_port, wait_us), "vsock-before-snapshot",
            "no connection request within wait_ms"))
      return;
    printf("snapshot-me\n");
    u32 head, len;
    bool got = virtq_poll(&evq, wait_us, &head, &len);
    u32 slot = got ? (u32)(((u64)evq.desc[head].addr - (u64)events[0]) / 4) : 4;
    u32 event = slot < 4 ? *(volatile u32 *)events[slot] : 0xFFFFFFFF;
    if (!report_check(got && len == 4 && event == EVENT_TRANSPORT_RESET, "vsock-reset",
            "event %u of %u bytes (expected: TRANSPORT_RESET, 4 bytes)", event, got ? len : 0))
      return;
    /* The driver's acknowledgement: the event buffer back on the queue, and a notification. */
    struct vbuf b = {events[slot], 4, true};
    virtq_add(&evq, &b, 1);
    virtq_kick(&evq);
  }
  host_echo(listen_port, wait_us);
  round_trip(connect_port, bytes);
  u16 answer = 0;
  report_check(connect(refused_port, &answer) && answer == OP_RST, "vsock-refused",
      "answer op %u (expected: RST)", answer);
  report_info("packets_in", "%u", packets_in);
  report_info("packets_out", "%u", packets_out);
}
