/* Builds a Linux boot_params zero page from PVH's hvm_start_info, for linux64_shim.S. */
#include "runtime.h"

struct start_info {
  u32 magic, version, flags, nr_modules;
  u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
  u32 memmap_entries, reserved;
};

static u8 zero_page[4096] __attribute__((aligned(4096)));

/* Ring 0, emulated under PVM: plain stores only, no loops over the whole page. */
u64 shim_zero_page(const struct start_info *info) {
  *(u32 *)(zero_page + 0x202) = 0x53726448; /* "HdrS" */
  *(u32 *)(zero_page + 0x228) = (u32)info->cmdline_paddr;
  *(u64 *)(zero_page + 0x070) = info->rsdp_paddr;
  u32 n = info->memmap_entries < 128 ? info->memmap_entries : 128;
  const u64 *e = (const u64 *)info->memmap_paddr;
  for (u32 i = 0; i < n; i++, e += 3) {
    u8 *out = zero_page + 0x2D0 + i * 20;
    *(u64 *)out = e[0];
    *(u64 *)(out + 8) = e[1];
    *(u32 *)(out + 16) = (u32)e[2];
  }
  zero_page[0x1E8] = (u8)n;
  return (u64)zero_page;
}
