/*
 * boot: reports how the VMM started the guest. Protocol (PVH start info or Linux zero page),
 * command line, memory map and total RAM (expect_mem_mib=), and the ACPI tables when present:
 * RSDP (expect_rsdp=), XSDT, FADT HW_REDUCED, MADT LAPICs (expect_vcpus=), and the DSDT's
 * LNRO0005 virtio-mmio devices (expect_virtio=). expect_acpi=1 makes missing ACPI a failure.
 */
#include "acpi.h"

bool boot_magic_ok(void);

#define E820_RAM 1
#define FADT_FLAGS 112
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define FADT_DSDT 40
#define FADT_X_DSDT 140
#define MADT_ENTRIES 44
#define MADT_LAPIC 0
#define MADT_IOAPIC 1

static void report_memory(void) {
  char list[400];
  size_t used = 0;
  u64 ram = 0;
  for (u32 i = 0; i < boot.memmap_count; i++) {
    struct memmap_entry *e = &boot.memmap[i];
    if (e->size == 0) continue;
    if (e->type == E820_RAM) ram += e->size;
    if (used < sizeof list) {
      used += snprintf(list + used, sizeof list - used, "%s0x%lx-0x%lx:%u", used ? "," : "",
          e->addr, e->addr + e->size, e->type);
    }
  }
  report_info("e820", "%s", used ? list : "none");
  report_info("ram_kib", "%lu", ram >> 10);
  report_check(boot.memmap_count > 0, "memmap", "no memory map entries");
  u64 expect = cmdline_u64("expect_mem_mib", 0);
  if (expect) {
    /* The holes below 1 MiB (VGA, BIOS, ACPI) make RAM up to 1 MiB less than configured. */
    u64 mib = (ram + (1 << 20) - 1) >> 20;
    report_check(mib == expect, "mem-size", "RAM %lu KiB rounds up to %lu MiB (expected: %lu)",
        ram >> 10, mib, expect);
  }
}

static u32 count_bytes(const u8 *data, u32 length, const u8 *needle, u32 k) {
  u32 n = 0;
  for (u32 i = 0; i + k <= length; i++) {
    if (memcmp(data + i, needle, k) == 0) n++;
  }
  return n;
}

/*
 * How often a device id appears in AML: as a string, and for 7-character PNP ids also as
 * EisaId("PNP0501"), a DWordConst (prefix 0x0C) of three 5-bit letters and four hex digits.
 */
static u32 count_id(const u8 *aml, u32 length, const char *id) {
  u32 n = count_bytes(aml, length, (const u8 *)id, (u32)strlen(id));
  if (strlen(id) == 7) {
    u8 hex[4];
    for (int i = 0; i < 4; i++) {
      char c = id[3 + i];
      hex[i] = (u8)(c <= '9' ? c - '0' : c - 'A' + 10);
    }
    u8 eisa[5] = {0x0C, (u8)(((id[0] - 0x40) << 2) | ((id[1] - 0x40) >> 3)),
        (u8)((((id[1] - 0x40) & 7) << 5) | (id[2] - 0x40)), (u8)(hex[0] << 4 | hex[1]),
        (u8)(hex[2] << 4 | hex[3])};
    n += count_bytes(aml, length, eisa, sizeof eisa);
  }
  return n;
}

static bool table_ok(const struct acpi_header *t, const char *check) {
  return report_check(t->length >= sizeof *t && acpi_checksum_ok(t, t->length), check,
      "%.4s length %u: bad checksum", t->signature, t->length);
}

static void report_fadt(const struct acpi_header *fadt) {
  if (!table_ok(fadt, "acpi-fadt-checksum")) return;
  const u8 *f = (const u8 *)fadt;
  u32 flags = *(const u32 *)(f + FADT_FLAGS);
  report_check(flags & FADT_HW_REDUCED_ACPI, "acpi-fadt-hw-reduced", "flags 0x%x", flags);
  u64 dsdt = fadt->length >= FADT_X_DSDT + 8 ? *(const u64 *)(f + FADT_X_DSDT) : 0;
  if (!dsdt) dsdt = *(const u32 *)(f + FADT_DSDT);
  if (!report_check(dsdt != 0, "acpi-dsdt", "FADT names no DSDT")) return;
  const struct acpi_header *d = (const void *)dsdt;
  if (!report_check(memcmp(d->signature, "DSDT", 4) == 0, "acpi-dsdt-signature",
          "%.4s at 0x%lx (expected: DSDT)", d->signature, dsdt)) {
    return;
  }
  if (!table_ok(d, "acpi-dsdt-checksum")) return;
  u32 virtio = count_id((const u8 *)d, d->length, "LNRO0005");
  report_info("dsdt_virtio", "%u", virtio);
  report_info("dsdt_com1", "%u", count_id((const u8 *)d, d->length, "PNP0501"));
  report_info("dsdt_ps2", "%u", count_id((const u8 *)d, d->length, "PNP0303"));
  u64 expect = cmdline_u64("expect_virtio", ~0UL);
  if (expect != ~0UL) {
    report_check(virtio == expect, "acpi-dsdt-virtio", "%u LNRO0005 devices (expected: %lu)",
        virtio, expect);
  }
}

static void report_madt(const struct acpi_header *madt) {
  if (!table_ok(madt, "acpi-madt-checksum")) return;
  const u8 *m = (const u8 *)madt;
  u32 lapics = 0, ioapics = 0;
  for (u32 off = MADT_ENTRIES; off + 2 <= madt->length;) {
    u8 type = m[off], len = m[off + 1];
    if (len < 2 || off + len > madt->length) {
      report_fail("acpi-madt", "entry at %u: length %u", off, len);
      return;
    }
    if (type == MADT_LAPIC && len >= 8 && (m[off + 4] & 1)) lapics++;
    if (type == MADT_IOAPIC) ioapics++;
    off += len;
  }
  report_info("madt_lapics", "%u", lapics);
  report_info("madt_ioapics", "%u", ioapics);
  u64 expect = cmdline_u64("expect_vcpus", 0);
  if (expect) {
    report_check(lapics == expect, "acpi-madt-lapics", "%u enabled LAPICs (expected: %lu)",
        lapics, expect);
  }
}

static void report_acpi(void) {
  u64 at = acpi_find_rsdp();
  if (!at) {
    report_info("acpi", "absent");
    if (cmdline_u64("expect_acpi", 0)) report_fail("acpi-rsdp", "no RSDP found");
    return;
  }
  report_info("rsdp", "0x%lx", at);
  u64 expect_at = cmdline_u64("expect_rsdp", 0);
  if (expect_at) report_check(at == expect_at, "acpi-rsdp-address", "0x%lx (expected: 0x%lx)", at, expect_at);
  const struct acpi_rsdp *rsdp = (const void *)at;
  if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0) {
    report_fail("acpi-rsdp", "signature at 0x%lx is not \"RSD PTR \"", at);
    return;
  }
  report_check(acpi_checksum_ok(rsdp, 20), "acpi-rsdp-checksum", "first 20 bytes");
  if (!report_check(rsdp->revision >= 2, "acpi-rsdp-revision", "revision %u (expected: 2)",
          rsdp->revision)) {
    return;
  }
  report_check(acpi_checksum_ok(rsdp, rsdp->length), "acpi-rsdp-extended-checksum", "length %u",
      rsdp->length);
  const struct acpi_header *xsdt = (const void *)rsdp->xsdt_address;
  if (!report_check(xsdt && memcmp(xsdt->signature, "XSDT", 4) == 0, "acpi-xsdt",
          "no XSDT at 0x%lx", rsdp->xsdt_address)) {
    return;
  }
  if (!table_ok(xsdt, "acpi-xsdt-checksum")) return;
  char names[128];
  size_t used = 0;
  u32 entries = (xsdt->length - sizeof *xsdt) / 8;
  for (u32 i = 0; i < entries && used < sizeof names; i++) {
    u64 address;
    memcpy(&address, (const u8 *)(xsdt + 1) + i * 8, 8);
    used += snprintf(names + used, sizeof names - used, "%s%.4s", i ? "," : "",
        ((const struct acpi_header *)address)->signature);
  }
  report_info("xsdt", "%s", names);
  const struct acpi_header *fadt = acpi_xsdt_find(xsdt, "FACP");
  if (report_check(fadt != NULL, "acpi-fadt", "XSDT has no FACP")) report_fadt(fadt);
  const struct acpi_header *madt = acpi_xsdt_find(xsdt, "APIC");
  if (report_check(madt != NULL, "acpi-madt", "XSDT has no APIC")) report_madt(madt);
}

void guest_main(void) {
  report_info("protocol", "%s", boot.protocol == BOOT_PVH ? "pvh" : "linux64");
  report_check(boot_magic_ok(), "boot-magic", "0x%x at 0x%lx (expected: %s)", boot.magic,
      boot.info_address, boot.protocol == BOOT_PVH ? "0x336ec578" : "\"HdrS\" 0x53726448");
  report_info("cmdline", "%s", boot.cmdline);
  report_memory();
  report_acpi();
}
