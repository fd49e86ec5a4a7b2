/* Just enough ACPI to check the tables a VMM wrote: RSDP, XSDT, and finding a table in it. */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H
#include "runtime.h"

struct acpi_rsdp {
  char signature[8];
  u8 checksum;
  char oem_id[6];
  u8 revision;
  u32 rsdt_address;
  u32 length;
  u64 xsdt_address;
  u8 extended_checksum;
  u8 reserved[3];
} __attribute__((packed));

struct acpi_header {
  char signature[4];
  u32 length;
  u8 revision;
  u8 checksum;
  char oem_id[6];
  char oem_table_id[8];
  u32 oem_revision;
  u32 creator_id;
  u32 creator_revision;
} __attribute__((packed));

/* The RSDP the boot protocol names, else the first "RSD PTR " in 0xE0000-0xFFFFF; 0 if none. */
u64 acpi_find_rsdp(void);
bool acpi_checksum_ok(const void *table, size_t length);
/* The XSDT entry with this signature, or NULL. */
const struct acpi_header *acpi_xsdt_find(const struct acpi_header *xsdt, const char *signature);

#endif
