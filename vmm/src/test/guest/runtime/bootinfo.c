/* Reads what the VMM handed over: PVH hvm_start_info or the Linux boot_params zero page. */
#include "runtime.h"

extern u64 boot_info_address;
extern u32 boot_protocol;

struct boot_info boot;

#define PVH_MAGIC 0x336EC578
struct hvm_start_info {
  u32 magic;
  u32 version;
  u32 flags;
  u32 nr_modules;
  u64 modlist_paddr;
  u64 cmdline_paddr;
  u64 rsdp_paddr;
  u64 memmap_paddr; /* version >= 1 */
  u32 memmap_entries;
  u32 reserved;
};
struct hvm_memmap_entry {
  u64 addr;
  u64 size;
  u32 type;
  u32 reserved;
};

/* boot_params offsets (Documentation/arch/x86/zero-page.rst). */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_E820_ENTRIES 0x1E8
#define ZP_HEADER 0x202
#define ZP_CMD_LINE_PTR 0x228
#define ZP_E820_TABLE 0x2D0
#define ZP_E820_MAX 128
#define ZP_E820_ENTRY_SIZE 20
#define HDRS_MAGIC 0x53726448

static void add_entry(u64 addr, u64 size, u32 type) {
  if (boot.memmap_count < MAX_MEMMAP) {
    boot.memmap[boot.memmap_count++] = (struct memmap_entry){addr, size, type};
  }
}

static void from_pvh(const struct hvm_start_info *info) {
  boot.magic = info->magic;
  boot.cmdline = (const char *)info->cmdline_paddr;
  boot.rsdp = info->rsdp_paddr;
  if (info->version >= 1 && info->memmap_paddr) {
    const struct hvm_memmap_entry *e = (const void *)info->memmap_paddr;
    for (u32 i = 0; i < info->memmap_entries; i++) add_entry(e[i].addr, e[i].size, e[i].type);
  }
}

static void from_zero_page(const u8 *zp) {
  boot.magic = *(const u32 *)(zp + ZP_HEADER);
  boot.cmdline = (const char *)(u64) * (const u32 *)(zp + ZP_CMD_LINE_PTR);
  boot.rsdp = *(const u64 *)(zp + ZP_ACPI_RSDP_ADDR);
  u32 n = zp[ZP_E820_ENTRIES];
  for (u32 i = 0; i < n && i < ZP_E820_MAX; i++) {
    const u8 *e = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY_SIZE;
    add_entry(*(const u64 *)e, *(const u64 *)(e + 8), *(const u32 *)(e + 16));
  }
}

void bootinfo_init(void) {
  boot.protocol = (enum boot_protocol)boot_protocol;
  boot.info_address = boot_info_address;
  if (boot.protocol == BOOT_PVH) from_pvh((const void *)boot_info_address);
  else from_zero_page((const u8 *)boot_info_address);
  if (!boot.cmdline) boot.cmdline = "";
}

bool boot_magic_ok(void) {
  return boot.protocol == BOOT_PVH ? boot.magic == PVH_MAGIC : boot.magic == HDRS_MAGIC;
}
