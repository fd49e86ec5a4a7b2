/*
 * irq: interrupt delivery from a virtio device. Routes the virtio-rng's GSI (from its
 * virtio_mmio.device= entry, or gsi=) through the IOAPIC (edge, active high) to the LAPIC of
 * vCPU 0 as vector 0x40, then makes count= (default 8) requests and waits for the used-buffer
 * interrupt of each one. The handler acknowledges the device (InterruptACK) and the LAPIC (EOI).
 * It waits by spinning in ring 3 with interrupts enabled, which PVM delivers natively.
 */
#include "virtio.h"

#define IOAPIC 0xFEC00000UL
#define IOAPIC_WINDOW 0x10
#define LAPIC 0xFEE00000UL
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define VECTOR 0x40
#define SPURIOUS 0xFF
#define VIRTIO_INTERRUPT_STATUS 0x60
#define VIRTIO_INTERRUPT_ACK 0x64
#define WAIT_US 2000000

struct interrupt_frame;

static volatile u32 interrupts;
static volatile u32 last_status;
static u64 device_base;
static u8 buffer[16];

__attribute__((interrupt)) static void on_device(struct interrupt_frame *frame) {
  (void)frame;
  u32 status = mmio_read32(device_base + VIRTIO_INTERRUPT_STATUS);
  mmio_write32(device_base + VIRTIO_INTERRUPT_ACK, status);
  last_status = status;
  interrupts = interrupts + 1;
  mmio_write32(LAPIC + LAPIC_EOI, 0);
}

__attribute__((interrupt)) static void on_spurious(struct interrupt_frame *frame) { (void)frame; }

static void ioapic_write(u32 reg, u32 value) {
  mmio_write32(IOAPIC, reg);
  mmio_write32(IOAPIC + IOAPIC_WINDOW, value);
}

static u32 ioapic_read(u32 reg) {
  mmio_write32(IOAPIC, reg);
  return mmio_read32(IOAPIC + IOAPIC_WINDOW);
}

void guest_main(void) {
  struct virtio_dev dev;
  struct virtq q;
  u32 count = (u32)cmdline_u64("count", 8);
  if (!report_check(virtio_find(VIRTIO_ID_RNG, 0, &dev), "irq-device", "no virtio-rng device")) return;
  u32 gsi = (u32)cmdline_u64("gsi", dev.irq);
  u32 pins = ((ioapic_read(1) >> 16) & 0xFF) + 1;
  report_info("gsi", "%u", gsi);
  report_info("ioapic_pins", "%u", pins);
  if (!report_check(gsi > 0 && gsi < pins, "irq-gsi", "GSI %u (expected: 1 to %u)", gsi, pins - 1)) return;
  device_base = dev.base;
  if (!virtio_init(&dev, 0) || !virtq_setup(&dev, &q, 0, 8)) return;

  outb(0x21, 0xFF); /* the 8259s stay masked: only the IOAPIC delivers */
  outb(0xA1, 0xFF);
  idt_set_handler(VECTOR, (void (*)(void))on_device);
  idt_set_handler(SPURIOUS, (void (*)(void))on_spurious);
  mmio_write32(LAPIC + LAPIC_TPR, 0);
  mmio_write32(LAPIC + LAPIC_SVR, 0x100 | SPURIOUS);
  ioapic_write(0x11 + 2 * gsi, 0);      /* destination: APIC id 0 */
  ioapic_write(0x10 + 2 * gsi, VECTOR); /* fixed, physical, active high, edge, unmasked */
  virtio_driver_ok(&dev);
  sti();

  u64 limit = WAIT_US * tsc_khz() / 1000;
  u32 answered = 0;
  for (u32 i = 0; i < count; i++) {
    u32 before = interrupts, head, len;
    struct vbuf b = {buffer, sizeof buffer, true};
    if (virtq_add(&q, &b, 1) < 0) break;
    virtq_kick(&q);
    u64 start = rdtsc();
    while (interrupts == before && rdtsc() - start < limit) cpu_relax();
    if (interrupts == before) {
      report_fail("irq-delivered", "request %u: no interrupt within %u ms (used idx %u)", i,
          WAIT_US / 1000, q.used->idx);
      break;
    }
    if (virtq_poll(&q, WAIT_US, &head, &len)) answered++;
  }
  cli();
  report_info("interrupts", "%u", interrupts);
  report_info("last_isr", "0x%x", last_status);
  report_check(answered == count && interrupts >= count, "irq-delivered",
      "%u of %u requests answered with %u interrupts", answered, count, interrupts);
}
