/* Network byte order, addresses on the command line, and the Internet checksum. */
#ifndef GUEST_INET_H
#define GUEST_INET_H
#include "runtime.h"

static inline u16 be16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static inline u32 be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }
static inline void put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }
static inline void put32(u8 *p, u32 v) { put16(p, (u16)(v >> 16)); put16(p + 2, (u16)v); }

/* Dotted decimal to a host-order address. */
bool parse_ip(const char *s, u32 *ip);
/* aa:bb:cc:dd:ee:ff to six bytes. */
bool parse_mac(const char *s, u8 mac[6]);
/* The command-line address key= (else fallback); a malformed one fails check. */
u32 ip_param(const char *check, const char *key, u32 fallback);
/* The command-line MAC key=, if given; a malformed one fails check. */
void mac_param(const char *check, const char *key, u8 mac[6]);
/* The one's complement sum of len bytes added to sum, not folded. */
u32 inet_sum(const u8 *p, u32 len, u32 sum);
/* Folds and complements a sum: the checksum to put in a header. */
u16 inet_finish(u32 sum);

#endif
