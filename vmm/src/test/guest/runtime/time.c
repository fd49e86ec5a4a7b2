/*
 * TSC frequency, from the first source that has it: KVM's timing leaf (CPUID 0x40000010, when
 * the VMM fills it), kvmclock's scale factors (exact, and immune to the host descheduling the
 * vCPU), or a measurement against PIT channel 0. Channel 2 is no use: its gate sits behind port
 * 0x61, which neither QEMU's microvm nor updraft emulates.
 */
#include "runtime.h"

#define PIT_HZ 1193182
#define CALIBRATION_TICKS (PIT_HZ / 50) /* 20 ms */
#define MSR_KVM_SYSTEM_TIME_NEW 0x4B564D01
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)

struct pvclock {
  u32 version;
  u32 pad0;
  u64 tsc_timestamp;
  u64 system_time;
  u32 tsc_to_system_mul;
  signed char tsc_shift;
  u8 flags;
  u8 pad[2];
};

static volatile struct pvclock clock __attribute__((aligned(64)));
static u64 cached_khz;

/* The KVM leaves' maximum, or 0 when the hypervisor is not KVM. */
static u32 kvm_leaves(void) {
  u32 a, b, c, d;
  cpuid(0x40000000, 0, &a, &b, &c, &d);
  /* "KVMKVMKVM\0\0\0" in ebx, ecx, edx. */
  return b == 0x4B4D564B && c == 0x564B4D56 && d == 0x4D ? a : 0;
}

static u64 from_cpuid(void) {
  u32 a, b, c, d;
  if (kvm_leaves() < 0x40000010) return 0;
  cpuid(0x40000010, 0, &a, &b, &c, &d);
  return a;
}

/* ns = ((tsc << shift) * mul) >> 32, so kHz = 10^6 * 2^32 / mul / 2^shift. */
static u64 from_kvmclock(void) {
  u32 a, b, c, d;
  if (kvm_leaves() < 0x40000001) return 0;
  cpuid(0x40000001, 0, &a, &b, &c, &d);
  if (!(a & KVM_FEATURE_CLOCKSOURCE2)) return 0;
  wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (u64)&clock | 1);
  u64 start = rdtsc();
  u32 mul = 0;
  int shift = 0;
  while (rdtsc() - start < (1UL << 32)) {
    u32 version = clock.version;
    barrier();
    mul = clock.tsc_to_system_mul;
    shift = clock.tsc_shift;
    barrier();
    if (version && !(version & 1) && version == clock.version && mul) break;
    mul = 0;
  }
  wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
  if (!mul) return 0;
  u64 khz = (1000000UL << 32) / mul;
  return shift >= 0 ? khz >> shift : khz << -shift;
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
  outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2, period 65536 (55 ms) */
  outb(0x40, 0);
  outb(0x40, 0);
  u16 last = pit_counter0();
  u64 start = rdtsc();
  u32 elapsed = 0;
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
    source = "kvmclock";
    cached_khz = from_kvmclock();
  }
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
