/* The few libc functions the guests use; gcc may also emit calls to memset and memcpy. */
#include "runtime.h"

void *memset(void *dst, int c, size_t n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const u8 *x = a, *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return (u8)a[i] < (u8)b[i] ? -1 : 1;
    if (!a[i]) return 0;
  }
  return 0;
}

/* Decimal, or hexadecimal with 0x; an optional K, M or G suffix multiplies by 1024^n. */
bool parse_u64(const char *s, size_t n, u64 *out) {
  u64 v = 0;
  size_t i = 0;
  unsigned base = 10;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  }
  size_t digits = 0;
  for (; i < n; i++, digits++) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else break;
    if (v > (~0UL - d) / base) return false;
    v = v * base + d;
  }
  if (digits == 0) return false;
  if (i < n) {
    unsigned shift = 0;
    switch (s[i]) {
      case 'K': case 'k': shift = 10; break;
      case 'M': case 'm': shift = 20; break;
      case 'G': case 'g': shift = 30; break;
      default: return false;
    }
    if (i + 1 != n || (v << shift) >> shift != v) return false;
    v <<= shift;
  }
  *out = v;
  return true;
}

char to_upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }
