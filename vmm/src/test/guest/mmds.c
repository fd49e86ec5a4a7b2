/*
 * mmds: the microVM metadata service seen from the guest, over virtio-net with its own tiny
 * ARP/IPv4/TCP. Asks who has mmds_ip= (169.254.169.254) from ip= (10.20.0.2), opens a TCP
 * connection to its port 80, gets a V2 session token (PUT /latest/api/token), reads path= with it
 * and checks the value is expect=, is refused (401) without it, then closes the connection.
 * With wait_input=1 it first says "ready" and waits for a byte on COM1 (the host sends one once
 * the VM it wants asked, e.g. one restored from a snapshot, has its metadata).
 * Checks: mmds-found, mmds-arp, mmds-synack, mmds-token, mmds-get, mmds-unauthorized, mmds-close;
 * values: mmds_mac, value.
 */
#include "inet.h"
#include "virtio.h"

#define VIRTIO_NET_F_MAC (1UL << 5)
#define NET_HDR 12
#define BUF_SIZE 2048
#define RX_BUFFERS 16
#define ETH 14
#define IP 20
#define TCP 20
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define F_FIN 0x01
#define F_SYN 0x02
#define F_ACK 0x10
#define F_PSH 0x08
#define LOCAL_PORT 40000
#define WAIT_US 5000000

static u8 rx[RX_BUFFERS][BUF_SIZE] __attribute__((aligned(64)));
static u8 tx[BUF_SIZE] __attribute__((aligned(64)));
static struct virtq rxq, txq;
static u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static u8 mmds_mac[6];
static u32 ip, mmds_ip;
static u32 snd_next, rcv_next; /* our next sequence number, and what we acknowledge */
static bool fin_received;
static char response[4096];
static u32 response_len;

static bool transmit(u32 len) {
  struct vbuf b = {tx, NET_HDR + len, false};
  u32 written;
  return virtq_transfer(&txq, &b, 1, 2000000, &written);
}

static void post_rx(u32 i) {
  struct vbuf b = {rx[i], BUF_SIZE, true};
  virtq_add(&rxq, &b, 1);
}

/* The next received frame (without the vnet header), or NULL after timeout_us. */
static const u8 *receive(u64 timeout_us, u32 *len, u32 *index) {
  u32 head, used;
  if (!virtq_poll(&rxq, timeout_us, &head, &used)) return NULL;
  u32 i = (u32)(((u64)rxq.desc[head].addr - (u64)rx[0]) / BUF_SIZE);
  if (i >= RX_BUFFERS || used <= NET_HDR) {
    if (i < RX_BUFFERS) post_rx(i);
    return NULL;
  }
  *index = i;
  *len = used - NET_HDR;
  return rx[i] + NET_HDR;
}

static void recycle(u32 index) {
  post_rx(index);
  virtq_kick(&rxq);
}

static bool arp(void) {
  memset(tx, 0, NET_HDR + ETH + 28);
  u8 *eth = tx + NET_HDR, *a = eth + ETH;
  memset(eth, 0xFF, 6);
  memcpy(eth + 6, mac, 6);
  put16(eth + 12, ETHERTYPE_ARP);
  put16(a, 1);
  put16(a + 2, ETHERTYPE_IPV4);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, 1);
  memcpy(a + 8, mac, 6);
  put32(a + 14, ip);
  put32(a + 24, mmds_ip);
  if (!transmit(ETH + 28)) return false;
  u64 start = rdtsc(), limit = (u64)WAIT_US * tsc_khz() / 1000;
  while (rdtsc() - start < limit) {
    u32 len, index;
    const u8 *f = receive(1000, &len, &index);
    if (!f) continue;
    bool reply = len >= ETH + 28 && be16(f + 12) == ETHERTYPE_ARP && be16(f + ETH + 6) == 2 &&
                 be32(f + ETH + 14) == mmds_ip && be32(f + ETH + 24) == ip;
    if (reply) memcpy(mmds_mac, f + ETH + 8, 6);
    recycle(index);
    if (reply) return true;
  }
  return false;
}

/* A TCP segment to the MMDS: flags, then len bytes of data. */
static bool segment(u8 flags, const char *data, u32 len) {
  memset(tx, 0, NET_HDR + ETH + IP + TCP);
  u8 *eth = tx + NET_HDR, *iph = eth + ETH, *t = iph + IP;
  memcpy(eth, mmds_mac, 6);
  memcpy(eth + 6, mac, 6);
  put16(eth + 12, ETHERTYPE_IPV4);
  iph[0] = 0x45;
  put16(iph + 2, (u16)(IP + TCP + len));
  iph[8] = 64;
  iph[9] = 6;
  put32(iph + 12, ip);
  put32(iph + 16, mmds_ip);
  put16(iph + 10, inet_finish(inet_sum(iph, IP, 0)));
  put16(t, LOCAL_PORT);
  put16(t + 2, 80);
  put32(t + 4, snd_next);
  put32(t + 8, rcv_next);
  t[12] = (TCP / 4) << 4;
  t[13] = flags;
  put16(t + 14, 8192);
  if (len) memcpy(t + TCP, data, len);
  u32 sum = inet_sum(iph + 12, 8, 6 + TCP + len);
  put16(t + 16, inet_finish(inet_sum(t, TCP + len, sum)));
  snd_next += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
  return transmit(ETH + IP + TCP + len);
}

/* The next TCP segment from the MMDS to us: its flags, sequence and data. */
static bool next_segment(u8 *flags, u32 *seq, u32 *ack, const u8 **data, u32 *len, u32 *index) {
  u64 start = rdtsc(), limit = (u64)WAIT_US * tsc_khz() / 1000;
  while (rdtsc() - start < limit) {
    u32 flen;
    const u8 *f = receive(1000, &flen, index);
    if (!f) continue;
    const u8 *iph = f + ETH;
    if (flen < ETH + IP + TCP || be16(f + 12) != ETHERTYPE_IPV4 || iph[9] != 6 ||
        be32(iph + 12) != mmds_ip || be32(iph + 16) != ip) {
      recycle(*index);
      continue;
    }
    u32 ihl = (iph[0] & 0xF) * 4u, total = be16(iph + 2);
    const u8 *t = iph + ihl;
    if (be16(t + 2) != LOCAL_PORT) {
      recycle(*index);
      continue;
    }
    u32 thl = (t[12] >> 4) * 4u;
    *flags = t[13];
    *seq = be32(t + 4);
    *ack = be32(t + 8);
    *data = t + thl;
    *len = total - ihl - thl;
    return true;
  }
  return false;
}

/* Sends an HTTP request and reads its response into `response` (headers and body). */
static bool http(const char *request) {
  response_len = 0;
  if (!segment(F_ACK | F_PSH, request, (u32)strlen(request))) return false;
  for (int n = 0; n < 64; n++) {
    u8 flags;
    u32 seq, ack, len, index;
    const u8 *data;
    if (!next_segment(&flags, &seq, &ack, &data, &len, &index)) return false;
    if (seq == rcv_next && len > 0 && response_len + len < sizeof response) {
      memcpy(response + response_len, data, len);
      response_len += len;
      rcv_next += len;
    }
    if (flags & F_FIN) {
      rcv_next += 1;
      fin_received = true;
    }
    recycle(index);
    if (len > 0 || (flags & F_FIN)) segment(F_ACK, 0, 0);
    response[response_len] = '\0';
    /* Complete once the headers ended and Content-Length bytes followed. */
    for (u32 i = 0; i + 3 < response_len; i++) {
      if (memcmp(response + i, "\r\n\r\n", 4) != 0) continue;
      u32 body = i + 4, length = 0;
      for (u32 h = 0; h < i; h++) {
        if (strncmp(response + h, "content-length: ", 16) == 0 ||
            strncmp(response + h, "Content-Length: ", 16) == 0) {
          const char *v = response + h + 16;
          while (*v >= '0' && *v <= '9') length = length * 10 + (u32)(*v++ - '0');
        }
      }
      if (response_len >= body + length) return true;
    }
  }
  return false;
}

static const char *body(void) {
  for (u32 i = 0; i + 3 < response_len; i++) {
    if (memcmp(response + i, "\r\n\r\n", 4) == 0) return response + i + 4;
  }
  return "";
}

static int status(void) {
  /* "HTTP/1.1 200 ..." */
  if (response_len < 12) return -1;
  return (response[9] - '0') * 100 + (response[10] - '0') * 10 + (response[11] - '0');
}

void guest_main(void) {
  struct virtio_dev dev;
  char path[128] = "/latest/meta-data/ami-id", expect[128] = "", request[512], token[128];
  ip = ip_param("mmds-args", "ip", 0x0A140002);
  mmds_ip = ip_param("mmds-args", "mmds_ip", 0xA9FEA9FE);
  cmdline_get("path", path, sizeof path);
  cmdline_get("expect", expect, sizeof expect);
  if (!report_check(virtio_find(VIRTIO_ID_NET, 0, &dev), "mmds-found", "no virtio-net device"))
    return;
  if (!virtio_init(&dev, VIRTIO_NET_F_MAC)) return;
  if (!virtq_setup(&dev, &rxq, 0, RX_BUFFERS) || !virtq_setup(&dev, &txq, 1, 4)) return;
  if (dev.accepted & VIRTIO_NET_F_MAC) {
    for (int i = 0; i < 6; i++) mac[i] = virtio_config8(&dev, (u32)i);
  }
  for (u32 i = 0; i < RX_BUFFERS; i++) post_rx(i);
  virtio_driver_ok(&dev);
  virtq_kick(&rxq);
  if (cmdline_u64("wait_input", 0)) {
    printf("ready\n");
    char go;
    u64 start = rdtsc(), limit = 300000UL * tsc_khz();
    bool got = false;
    while (!(got = uart_try_getc(&go)) && rdtsc() - start < limit) {
      /* A port read is a trap and an exit here: look about every millisecond. */
      for (u64 until = rdtsc() + tsc_khz(); rdtsc() < until;) cpu_relax();
    }
    if (!report_check(got, "mmds-input", "no byte on COM1 within 300 s")) return;
  }

  if (!report_check(arp(), "mmds-arp", "no ARP reply for the MMDS address")) return;
  report_info("mmds_mac", "%02x:%02x:%02x:%02x:%02x:%02x", mmds_mac[0], mmds_mac[1], mmds_mac[2],
      mmds_mac[3], mmds_mac[4], mmds_mac[5]);

  snd_next = 0x10000;
  segment(F_SYN, 0, 0);
  u8 flags = 0;
  u32 seq = 0, ack = 0, len, index;
  const u8 *data;
  bool synack = next_segment(&flags, &seq, &ack, &data, &len, &index);
  if (synack) recycle(index);
  if (!report_check(synack && flags == (F_SYN | F_ACK) && ack == snd_next, "mmds-synack",
          "flags 0x%x ack %u (expected: SYN|ACK acknowledging %u)", flags, ack, snd_next)) {
    return;
  }
  rcv_next = seq + 1;
  segment(F_ACK, 0, 0);

  bool got = http("PUT /latest/api/token HTTP/1.1\r\nHost: mmds\r\n"
                  "X-metadata-token-ttl-seconds: 60\r\n\r\n");
  if (!report_check(got && status() == 200, "mmds-token", "status %d", status())) return;
  snprintf(token, sizeof token, "%s", body());

  snprintf(request, sizeof request,
      "GET %s HTTP/1.1\r\nHost: mmds\r\nX-metadata-token: %s\r\n\r\n", path, token);
  got = http(request);
  report_info("value", "%s", got ? body() : "");
  report_check(got && status() == 200 && strncmp(body(), expect, sizeof expect) == 0, "mmds-get",
      "status %d body %s (expected: 200 %s)", status(), got ? body() : "", expect);

  snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: mmds\r\n\r\n", path);
  got = http(request);
  report_check(got && status() == 401, "mmds-unauthorized", "status %d (expected: 401)", status());

  segment(F_FIN | F_ACK, 0, 0);
  bool closed = fin_received;
  for (int n = 0; n < 8 && !closed; n++) {
    if (!next_segment(&flags, &seq, &ack, &data, &len, &index)) break;
    recycle(index);
    if (flags & F_FIN) {
      rcv_next = seq + len + 1;
      segment(F_ACK, 0, 0);
      closed = true;
    }
  }
  report_check(closed, "mmds-close", "no FIN from the MMDS");
}
