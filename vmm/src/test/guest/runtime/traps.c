/* The IDT: exceptions report and stop; #GP performs ring 3's privileged I/O (entry.S). */
#include "runtime.h"

struct idt_entry {
  u16 offset_low;
  u16 selector;
  u8 ist;
  u8 type;
  u16 offset_mid;
  u32 offset_high;
  u32 reserved;
};

extern struct idt_entry idt[256];
extern char exception_stubs[];
extern void privileged_fault(void);

#define KERNEL_CS 0x08
#define INTERRUPT_GATE 0x8E
#define STUB_SIZE 16

static void set_gate(int vector, u64 handler) {
  struct idt_entry *e = &idt[vector];
  e->offset_low = (u16)handler;
  e->selector = KERNEL_CS;
  e->ist = 0;
  e->type = INTERRUPT_GATE;
  e->offset_mid = (u16)(handler >> 16);
  e->offset_high = (u32)(handler >> 32);
  e->reserved = 0;
}

/* Runs in ring 3: the pages holding the IDT are user-writable, and lidt already happened. */
void traps_init(void) {
  for (int v = 0; v < 32; v++) set_gate(v, (u64)exception_stubs + (u64)v * STUB_SIZE);
  set_gate(13, (u64)privileged_fault);
}

void idt_set_handler(int vector, void (*handler)(void)) { set_gate(vector, (u64)handler); }

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?", "#TS", "#NP", "#SS", "#GP",
    "#PF", "?", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "?", "?", "?", "?", "?", "?", "?", "?",
    "#SX", "?"};

/* Ring 0, from exception_common: frame = vector, error code, then the CPU's iret frame. */
void exception_report(const u64 *frame) {
  u64 cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  u64 vector = frame[0];
  report_fail("exception",
      "%s vector=%lu error=0x%lx rip=0x%lx cs=0x%lx rflags=0x%lx rsp=0x%lx cr2=0x%lx",
      vector < 32 ? names[vector] : "irq", vector, frame[1], frame[2], frame[3], frame[4],
      frame[5], cr2);
  guest_end();
}
