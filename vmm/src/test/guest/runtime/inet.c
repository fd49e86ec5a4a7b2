/* Network byte order, addresses on the command line, and the Internet checksum. */
#include "inet.h"

bool parse_ip(const char *s, u32 *ip) {
  u32 v = 0;
  for (int part = 0; part < 4; part++) {
    const char *end = s;
    while (*end >= '0' && *end <= '9') end++;
    u64 octet;
    if (!parse_u64(s, (size_t)(end - s), &octet) || octet > 255) return false;
    if (*end != (part < 3 ? '.' : '\0')) return false;
    v = v << 8 | (u32)octet;
    s = end + 1;
  }
  *ip = v;
  return true;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_mac(const char *s, u8 mac[6]) {
  for (int i = 0; i < 6; i++) {
    int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
    if (lo < 0 || s[2] != (i < 5 ? ':' : '\0')) return false;
    mac[i] = (u8)(hi << 4 | lo);
    s += 3;
  }
  return true;
}

u32 ip_param(const char *check, const char *key, u32 fallback) {
  char buf[32];
  u32 ip = fallback;
  if (cmdline_get(key, buf, sizeof buf) && !parse_ip(buf, &ip)) {
    report_fail(check, "%s=%s (expected: a dotted IPv4 address)", key, buf);
  }
  return ip;
}

void mac_param(const char *check, const char *key, u8 mac[6]) {
  char buf[32];
  if (cmdline_get(key, buf, sizeof buf) && !parse_mac(buf, mac)) {
    report_fail(check, "%s=%s (expected: aa:bb:cc:dd:ee:ff)", key, buf);
  }
}

u32 inet_sum(const u8 *p, u32 len, u32 sum) {
  for (u32 i = 0; i + 1 < len; i += 2) sum += be16(p + i);
  if (len & 1) sum += (u32)p[len - 1] << 8;
  return sum;
}

u16 inet_finish(u32 sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return (u16)~sum;
}
