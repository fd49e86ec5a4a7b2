/*
 * TSC frequency: KVM's timing leaf when the VMM fills it, else measured against PIT channel 0
 * (both QEMU's microvm and updraft have KVM's in-kernel PIT; channel 2 is no use there, since
 * its gate sits behind port 0x61, which neither emulates).
 */
#include "runtime.h"

#define PIT_HZ 1193182
#define CALIBRATION_TICKS (PIT_HZ / 100) /* 10 ms */

static u64 cached_khz;

static u64 from_cpuid(void) {
  u32 a, b, c, d;
  cpuid(0x40000000, 0, &a, &b, &c, &d);
  /* "KVMKVMKVM\0\0\0" in ebx, ecx, edx; leaf 0x40000010 eax is the TSC in kHz. */
  if (b != 0x4B4D564B || c != 0x564B4D56 || d != 0x4D || a < 0x40000010) return 0;
  cpuid(0x40000010, 0, &a, &b, &c, &d);
  return a;
}

static u16 pit_counter0(void) {
  outb(0x43, 0x00); /* latch channel 0 */
  u8 lo = inb(0x40);
  u8 hi = inb(0x40);
  return (u16)(lo | hi << 8);
}

static u64 from_pit(void) {
  /* Mask both PICs first: channel 0 drives IRQ 0, and PVM keeps ring 3's interrupts on. */
  outb(0x21, 0xFF);
  outb(0xA1, 0xFF);
  outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2, period 65536 */
  outb(0x40, 0);
  outb(0x40, 0);
  u16 first = pit_counter0();
  u64 start = rdtsc();
  u32 elapsed = 0;
  u16 last = first;
  while (elapsed < CALIBRATION_TICKS) {
    u16 now = pit_counter0();
    elapsed += (u16)(last - now);
    last = now;
    /* Bounded: a VMM without a PIT returns a counter that never moves. */
    if (rdtsc() - start > (1UL << 36)) return 0;
  }
  return (rdtsc() - start) * PIT_HZ / elapsed / 1000;
}

u64 tsc_khz(void) {
  if (cached_khz) return cached_khz;
  const char *source = "cpuid";
  cached_khz = from_cpuid();
  if (!cached_khz) {
    source = "pit";
    cached_khz = from_pit();
  }
  if (!cached_khz) {
    source = "guess";
    cached_khz = 2000000;
  }
  report_info("tsc_khz", "%lu (%s)", cached_khz, source);
  return cached_khz;
}

void delay_us(u64 us) {
  u64 cycles = us * tsc_khz() / 1000;
  u64 start = rdtsc();
  while (rdtsc() - start < cycles) cpu_relax();
}
