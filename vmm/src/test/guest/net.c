/*
 * net: virtio-net in both directions with UDP over IPv4, so a host can use an ordinary socket
 * on the TAP device's side. Sends one frame from ip= (default 10.20.0.2) to peer_ip= (default
 * 10.20.0.1) and peer_mac= (default broadcast), UDP port port= (default 5000) on both ends,
 * carrying send=; then waits up to wait_ms= (default 5000) for a UDP frame to that port,
 * reports its payload as "info recv=...", and echoes it back to its sender once. Other frames
 * (IPv6 neighbour discovery and such) are counted and skipped.
 */
#include "inet.h"
#include "virtio.h"

#define VIRTIO_NET_F_MAC (1UL << 5)
#define NET_HDR 12 /* struct virtio_net_hdr with num_buffers, as VERSION_1 requires */
#define BUF_SIZE 2048
#define RX_BUFFERS 8
#define ETH_HDR 14
#define IP_HDR 20
#define UDP_HDR 8
#define ETHERTYPE_IPV4 0x0800
#define IPPROTO_UDP 17
#define TX_TIMEOUT_US 2000000

static u8 rx[RX_BUFFERS][BUF_SIZE] __attribute__((aligned(64)));
static u8 tx[BUF_SIZE] __attribute__((aligned(64)));
static struct virtq rxq, txq;

struct endpoint {
  u8 mac[6];
  u32 ip; /* host order */
  u16 port;
};

static u16 ip_checksum(const u8 *h) { return inet_finish(inet_sum(h, IP_HDR, 0)); }

/* An Ethernet + IPv4 + UDP frame (UDP checksum 0: none, which IPv4 allows). */
static bool send_udp(const struct endpoint *from, const struct endpoint *to, const u8 *payload,
    u32 len) {
  if (len > BUF_SIZE - NET_HDR - ETH_HDR - IP_HDR - UDP_HDR) len = BUF_SIZE - NET_HDR - ETH_HDR - IP_HDR - UDP_HDR;
  memset(tx, 0, NET_HDR + ETH_HDR + IP_HDR + UDP_HDR);
  u8 *eth = tx + NET_HDR, *ip = eth + ETH_HDR, *udp = ip + IP_HDR;
  memcpy(eth, to->mac, 6);
  memcpy(eth + 6, from->mac, 6);
  put16(eth + 12, ETHERTYPE_IPV4);
  ip[0] = 0x45;
  put16(ip + 2, (u16)(IP_HDR + UDP_HDR + len));
  put16(ip + 6, 0x4000); /* don't fragment */
  ip[8] = 64;
  ip[9] = IPPROTO_UDP;
  put32(ip + 12, from->ip);
  put32(ip + 16, to->ip);
  put16(ip + 10, ip_checksum(ip));
  put16(udp, from->port);
  put16(udp + 2, to->port);
  put16(udp + 4, (u16)(UDP_HDR + len));
  memcpy(udp + UDP_HDR, payload, len);
  struct vbuf b = {tx, NET_HDR + ETH_HDR + IP_HDR + UDP_HDR + len, false};
  u32 written;
  return virtq_transfer(&txq, &b, 1, TX_TIMEOUT_US, &written);
}

static void post_rx(u32 i) {
  struct vbuf b = {rx[i], BUF_SIZE, true};
  virtq_add(&rxq, &b, 1);
}

/* A UDP frame to our port: fills the sender and payload; anything else is skipped. */
static bool parse_udp(const u8 *frame, u32 len, u16 port, struct endpoint *sender,
    const u8 **payload, u32 *payload_len) {
  if (len < ETH_HDR + IP_HDR + UDP_HDR || be16(frame + 12) != ETHERTYPE_IPV4) return false;
  const u8 *ip = frame + ETH_HDR;
  u32 ihl = (ip[0] & 0xF) * 4u;
  if ((ip[0] >> 4) != 4 || ihl < IP_HDR || ip[9] != IPPROTO_UDP) return false;
  u32 total = be16(ip + 2);
  if (total > len - ETH_HDR || total < ihl + UDP_HDR) return false;
  const u8 *udp = ip + ihl;
  u32 udp_len = be16(udp + 4);
  if (be16(udp + 2) != port || udp_len < UDP_HDR || udp_len > total - ihl) return false;
  memcpy(sender->mac, frame + 6, 6);
  sender->ip = be32(ip + 12);
  sender->port = be16(udp);
  *payload = udp + UDP_HDR;
  *payload_len = udp_len - UDP_HDR;
  return true;
}

static void report_payload(const u8 *p, u32 len) {
  char text[201];
  u32 n = len < 200 ? len : 200;
  for (u32 i = 0; i < n; i++) text[i] = p[i] >= 0x21 && p[i] < 0x7F ? (char)p[i] : '.';
  text[n] = '\0';
  report_info("recv", "%s", text);
  report_info("recv_len", "%u", len);
}

void guest_main(void) {
  struct virtio_dev dev;
  struct endpoint self = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, 0x0A140002, 5000};
  struct endpoint peer = {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 0x0A140001, 5000};
  char message[128] = "hello-from-guest";
  cmdline_get("send", message, sizeof message);
  self.ip = ip_param("net-args", "ip", self.ip);
  peer.ip = ip_param("net-args", "peer_ip", peer.ip);
  self.port = peer.port = (u16)cmdline_u64("port", 5000);
  mac_param("net-args", "peer_mac", peer.mac);
  u64 wait_us = cmdline_u64("wait_ms", 5000) * 1000;

  if (!report_check(virtio_find(VIRTIO_ID_NET, 0, &dev), "net-found", "no virtio-net device")) return;
  if (!virtio_init(&dev, VIRTIO_NET_F_MAC)) return;
  if (!virtq_setup(&dev, &rxq, 0, RX_BUFFERS) || !virtq_setup(&dev, &txq, 1, 4)) return;
  if (dev.accepted & VIRTIO_NET_F_MAC) {
    for (int i = 0; i < 6; i++) self.mac[i] = virtio_config8(&dev, (u32)i);
  } else {
    mac_param("net-args", "mac", self.mac);
  }
  report_info("mac", "%02x:%02x:%02x:%02x:%02x:%02x", self.mac[0], self.mac[1], self.mac[2],
      self.mac[3], self.mac[4], self.mac[5]);
  report_info("features_offered", "0x%lx", dev.offered);
  for (u32 i = 0; i < RX_BUFFERS; i++) post_rx(i);
  virtio_driver_ok(&dev);
  virtq_kick(&rxq);

  if (!report_check(send_udp(&self, &peer, (const u8 *)message, (u32)strlen(message)), "net-send",
          "the transmit queue did not complete the frame")) {
    return;
  }
  u64 start = rdtsc(), limit = wait_us * tsc_khz() / 1000;
  u32 skipped = 0;
  while (rdtsc() - start < limit) {
    u32 head, len;
    if (!virtq_poll(&rxq, 1000, &head, &len)) continue;
    u32 i = (u32)((u64)rxq.desc[head].addr - (u64)rx[0]) / BUF_SIZE;
    struct endpoint sender;
    const u8 *payload;
    u32 payload_len;
    if (i < RX_BUFFERS && len > NET_HDR &&
        parse_udp(rx[i] + NET_HDR, len - NET_HDR, self.port, &sender, &payload, &payload_len)) {
      report_ok("net-receive");
      report_payload(payload, payload_len);
      report_info("skipped_frames", "%u", skipped);
      report_check(send_udp(&self, &sender, payload, payload_len), "net-echo",
          "the transmit queue did not complete the echo");
      return;
    }
    skipped++;
    if (i < RX_BUFFERS) {
      post_rx(i);
      virtq_kick(&rxq);
    }
  }
  report_fail("net-receive", "no UDP frame to port %u within wait_ms (%u other frames)", self.port, skipped);
}
