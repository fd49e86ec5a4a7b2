/* The test guests' runtime: freestanding x86-64, no libc. */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;
typedef u64 size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

/* Port I/O. From ring 3 these fault under PVM and entry.S performs them in ring 0. */
static inline void outb(u16 port, u8 value) { __asm__ volatile("outb %0, %1" : : "a"(value), "d"(port)); }
static inline void outw(u16 port, u16 value) { __asm__ volatile("outw %0, %1" : : "a"(value), "d"(port)); }
static inline void outl(u16 port, u32 value) { __asm__ volatile("outl %0, %1" : : "a"(value), "d"(port)); }
static inline u8 inb(u16 port) {
  u8 value;
  __asm__ volatile("inb %1, %0" : "=a"(value) : "d"(port));
  return value;
}
static inline u32 inl(u16 port) {
  u32 value;
  __asm__ volatile("inl %1, %0" : "=a"(value) : "d"(port));
  return value;
}

/* MMIO: volatile single accesses, so each is one exit the VMM sees with the right width. */
static inline u8 mmio_read8(u64 addr) { return *(volatile u8 *)addr; }
static inline u16 mmio_read16(u64 addr) { return *(volatile u16 *)addr; }
static inline u32 mmio_read32(u64 addr) { return *(volatile u32 *)addr; }
static inline void mmio_write8(u64 addr, u8 v) { *(volatile u8 *)addr = v; }
static inline void mmio_write16(u64 addr, u16 v) { *(volatile u16 *)addr = v; }
static inline void mmio_write32(u64 addr, u32 v) { *(volatile u32 *)addr = v; }

static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void mb(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
/* Waits for an interrupt when interrupts are on; with them off it stops the guest for good. */
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* Privileged in any ring but 0: from ring 3 entry.S performs it. */
static inline void wrmsr(u32 msr, u64 value) {
  __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)value), "d"((u32)(value >> 32)) : "memory");
}
static inline u64 rdtsc(void) {
  u32 lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((u64)hi << 32) | lo;
}
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

/* lib.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
bool parse_u64(const char *s, size_t n, u64 *out);
char to_upper(char c);

/* uart.c: COM1 16550, polled. */
void uart_init(void);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
bool uart_try_getc(char *c);

/* print.c: %s %c %d %u %x %lx %lu %ld %p %%, with an optional 0-padded width. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* report.c: the serial protocol the host's GuestReport parses. */
void report_ok(const char *check);
void report_fail(const char *check, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_info(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ok or fail by a condition; returns it. */
bool report_check(bool ok, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints "done" and ends the guest (isa-debug-exit, then i8042 reset, then halts). */
__attribute__((noreturn)) void guest_end(void);
/* Resets through the i8042 at once, without "done". */
__attribute__((noreturn)) void guest_reset(void);

/* bootinfo.c: what the VMM handed over, whichever protocol it used. */
enum boot_protocol { BOOT_PVH = 1, BOOT_LINUX64 = 2 };
struct memmap_entry {
  u64 addr;
  u64 size;
  u32 type;
};
#define MAX_MEMMAP 32
struct boot_info {
  enum boot_protocol protocol;
  u64 info_address;
  u32 magic;
  const char *cmdline;
  u64 rsdp;
  u32 memmap_count;
  struct memmap_entry memmap[MAX_MEMMAP];
};
extern struct boot_info boot;
void bootinfo_init(void);

/* cmdline.c: key=value words of the kernel command line. */
/* Copies the value of the first "key=" word into buf (NUL-terminated); false if absent. */
bool cmdline_get(const char *key, char *buf, size_t size);
u64 cmdline_u64(const char *key, u64 fallback);
/* The n-th (from 0) value of a repeated key, e.g. virtio_mmio.device; false past the last. */
bool cmdline_get_nth(const char *key, int n, char *buf, size_t size);

/* time.c: TSC frequency from KVM's CPUID leaf or kvmclock, else measured against the PIT. */
u64 tsc_khz(void);

/* traps.c */
void traps_init(void);
/* Installs a ring-0 interrupt handler for vector (0x20..0xff). */
void idt_set_handler(int vector, void (*handler)(void));

/* The guest's own code. */
void guest_main(void);

#endif
