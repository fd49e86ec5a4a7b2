/* The kernel command line as space-separated words; parameters are "key=value" words. */
#include "runtime.h"

static bool nth_value(const char *key, int n, const char **value, size_t *len) {
  const char *p = boot.cmdline;
  size_t klen = strlen(key);
  while (p && *p) {
    while (*p == ' ') p++;
    const char *word = p;
    while (*p && *p != ' ') p++;
    size_t wlen = (size_t)(p - word);
    if (wlen > klen && strncmp(word, key, klen) == 0 && word[klen] == '=') {
      if (n-- == 0) {
        *value = word + klen + 1;
        *len = wlen - klen - 1;
        return true;
      }
    }
  }
  return false;
}

bool cmdline_get_nth(const char *key, int n, char *buf, size_t size) {
  const char *value;
  size_t len;
  if (!nth_value(key, n, &value, &len)) return false;
  if (len >= size) len = size - 1;
  memcpy(buf, value, len);
  buf[len] = '\0';
  return true;
}

bool cmdline_get(const char *key, char *buf, size_t size) { return cmdline_get_nth(key, 0, buf, size); }

u64 cmdline_u64(const char *key, u64 fallback) {
  const char *value;
  size_t len;
  u64 v;
  if (!nth_value(key, 0, &value, &len)) return fallback;
  if (!parse_u64(value, len, &v)) {
    report_fail("cmdline", "%s: not a number (expected: decimal or 0x hex)", key);
    return fallback;
  }
  return v;
}
