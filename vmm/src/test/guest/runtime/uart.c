/* COM1, a 16550A driven by polling; the VMMs under test give it no interrupt line we use. */
#include "runtime.h"

#define COM1 0x3F8
#define RBR 0
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
/* Bounded so a UART that never reports THRE slows the guest down but cannot hang it. */
#define THRE_POLLS 100000

void uart_init(void) {
  outb(COM1 + IER, 0x00);
  outb(COM1 + LCR, 0x80);
  outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + LCR, 0x03); /* 8N1 */
  outb(COM1 + FCR, 0x07);
  outb(COM1 + MCR, 0x03);
}

void uart_putc(char c) {
  for (int i = 0; i < THRE_POLLS && !(inb(COM1 + LSR) & LSR_THRE); i++) cpu_relax();
  outb(COM1 + THR, (u8)c);
}

void uart_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n') uart_putc('\r');
    uart_putc(s[i]);
  }
}

bool uart_try_getc(char *c) {
  if (!(inb(COM1 + LSR) & LSR_DR)) return false;
  *c = (char)inb(COM1 + RBR);
  return true;
}
