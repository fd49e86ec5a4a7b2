/* A small printf: %s %c %d %u %x %p %%, l/ll lengths, a 0 flag, a width, %.Ns precision. */
#include "runtime.h"

struct out {
  char *buf;
  size_t size;
  size_t len;
};

static void put(struct out *o, char c) {
  if (o->len + 1 < o->size) o->buf[o->len] = c;
  o->len++;
}

static void put_number(struct out *o, u64 v, unsigned base, bool negative, int width, char pad) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (negative) digits[n++] = '-';
  for (int i = n; i < width; i++) put(o, pad);
  while (n) put(o, digits[--n]);
}

static int vformat(char *buf, size_t size, const char *fmt, va_list ap) {
  struct out o = {buf, size, 0};
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(&o, *p);
      continue;
    }
    p++;
    char pad = ' ';
    if (*p == '0') {
      pad = '0';
      p++;
    }
    int width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int precision = -1;
    if (*p == '.') {
      precision = 0;
      for (p++; *p >= '0' && *p <= '9'; p++) precision = precision * 10 + (*p - '0');
    }
    int longs = 0;
    while (*p == 'l') {
      longs++;
      p++;
    }
    switch (*p) {
      case 'd': {
        i64 v = longs ? va_arg(ap, i64) : va_arg(ap, int);
        put_number(&o, v < 0 ? (u64)-v : (u64)v, 10, v < 0, width, pad);
        break;
      }
      case 'u':
        put_number(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, false, width, pad);
        break;
      case 'x':
        put_number(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, false, width, pad);
        break;
      case 'p':
        put(&o, '0');
        put(&o, 'x');
        put_number(&o, (u64)va_arg(ap, void *), 16, false, width, pad);
        break;
      case 'c':
        put(&o, (char)va_arg(ap, int));
        break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        size_t n = 0;
        while (s[n] && (precision < 0 || n < (size_t)precision)) n++;
        for (size_t i = n; i < (size_t)width; i++) put(&o, ' ');
        for (size_t i = 0; i < n; i++) put(&o, s[i]);
        break;
      }
      case '%':
        put(&o, '%');
        break;
      case '\0':
        p--;
        break;
      default:
        put(&o, '%');
        put(&o, *p);
    }
  }
  if (size) buf[o.len < size ? o.len : size - 1] = '\0';
  return (int)o.len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) { return vformat(buf, size, fmt, ap); }

int snprintf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

void printf(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  uart_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}
