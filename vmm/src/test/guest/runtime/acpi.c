/* ACPI table lookup for the boot guest. */
#include "acpi.h"

bool acpi_checksum_ok(const void *table, size_t length) {
  u8 sum = 0;
  for (size_t i = 0; i < length; i++) sum = (u8)(sum + ((const u8 *)table)[i]);
  return sum == 0;
}

u64 acpi_find_rsdp(void) {
  if (boot.rsdp) return boot.rsdp;
  for (u64 a = 0xE0000; a < 0x100000; a += 16) {
    if (memcmp((const void *)a, "RSD PTR ", 8) == 0) return a;
  }
  return 0;
}

const struct acpi_header *acpi_xsdt_find(const struct acpi_header *xsdt, const char *signature) {
  u32 entries = (xsdt->length - sizeof *xsdt) / 8;
  const u8 *list = (const u8 *)(xsdt + 1);
  for (u32 i = 0; i < entries; i++) {
    u64 address;
    memcpy(&address, list + i * 8, 8);
    const struct acpi_header *t = (const void *)address;
    if (address && memcmp(t->signature, signature, 4) == 0) return t;
  }
  return NULL;
}
