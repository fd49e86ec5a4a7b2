/*
 * cpuid: reports what CPUID returns for leaf= and subleaf= (default 1 and 0), so that tests see
 * the CPUID the VMM gave the vCPU (a CPU template's changes included).
 */
#include "runtime.h"

void guest_main(void) {
  u32 leaf = (u32)cmdline_u64("leaf", 1);
  u32 subleaf = (u32)cmdline_u64("subleaf", 0);
  u32 a, b, c, d;
  cpuid(leaf, subleaf, &a, &b, &c, &d);
  report_info("eax", "0x%x", a);
  report_info("ebx", "0x%x", b);
  report_info("ecx", "0x%x", c);
  report_info("edx", "0x%x", d);
  report_ok("cpuid");
}
