package dev.updraft.sys.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.updraft.sys.Fd;
import dev.updraft.sys.Ioctl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Offsets and sizes of the KVM structs (x86-64, from {@code linux/kvm.h}; KvmIoctlsTest compares
 * them with what gcc computes) and the code that moves the plain-Java records in and out of native
 * memory.
 */
final class Structs {
  static final long REGS_SIZE = 144;
  static final long SREGS_SIZE = 312;
  static final long SEGMENT_SIZE = 24;
  static final long FPU_SIZE = 416;
  static final long LAPIC_SIZE = 1024;
  static final long CPUID_ENTRY_SIZE = 40;
  static final long MSR_ENTRY_SIZE = 16;
  static final long MEMORY_REGION_SIZE = 32;
  static final long IRQFD_SIZE = 32;
  static final long IOEVENTFD_SIZE = 64;
  static final long PIT_CONFIG_SIZE = 64;
  static final long DIRTY_LOG_SIZE = 16;
  static final long IRQCHIP_SIZE = 520;
  static final long PIT_STATE2_SIZE = 112;
  static final long CLOCK_DATA_SIZE = 48;
  static final long VCPU_EVENTS_SIZE = 64;
  static final long DEBUGREGS_SIZE = 128;
  static final long XSAVE_SIZE = 4096;
  static final long XCRS_SIZE = 392;
  static final long CLOCK_FLAGS = 8;
  static final long CLOCK_REALTIME = 16;
  static final long CLOCK_HOST_TSC = 24;

  static final long SREGS_GDT = 192;
  static final long SREGS_IDT = 208;
  static final long SREGS_CR0 = 224;
  static final long SREGS_INTERRUPT_BITMAP = 280;
  static final long FPU_FCW = 128;
  static final long FPU_MXCSR = 408;

  private Structs() {}

  static void writeRegs(MemorySegment m, Regs regs) {
    long[] values = regs.toArray();
    for (int i = 0; i < values.length; i++) {
      m.set(JAVA_LONG, i * 8L, values[i]);
    }
  }

  static Regs readRegs(MemorySegment m) {
    long[] values = new long[18];
    for (int i = 0; i < values.length; i++) {
      values[i] = m.get(JAVA_LONG, i * 8L);
    }
    return Regs.fromArray(values);
  }

  static void writeSegment(MemorySegment m, long at, Segment s) {
    m.set(JAVA_LONG, at, s.base());
    m.set(JAVA_INT, at + 8, s.limit());
    m.set(JAVA_SHORT, at + 12, (short) s.selector());
    m.set(JAVA_BYTE, at + 14, (byte) s.type());
    m.set(JAVA_BYTE, at + 15, flag(s.present()));
    m.set(JAVA_BYTE, at + 16, (byte) s.dpl());
    m.set(JAVA_BYTE, at + 17, flag(s.db()));
    m.set(JAVA_BYTE, at + 18, flag(s.s()));
    m.set(JAVA_BYTE, at + 19, flag(s.l()));
    m.set(JAVA_BYTE, at + 20, flag(s.g()));
    m.set(JAVA_BYTE, at + 21, flag(s.avl()));
    m.set(JAVA_BYTE, at + 22, flag(s.unusable()));
    m.set(JAVA_BYTE, at + 23, (byte) 0);
  }

  static Segment readSegment(MemorySegment m, long at) {
    return new Segment(
        m.get(JAVA_LONG, at),
        m.get(JAVA_INT, at + 8),
        Short.toUnsignedInt(m.get(JAVA_SHORT, at + 12)),
        m.get(JAVA_BYTE, at + 14) & 0xF,
        m.get(JAVA_BYTE, at + 15) != 0,
        m.get(JAVA_BYTE, at + 16) & 3,
        m.get(JAVA_BYTE, at + 17) != 0,
        m.get(JAVA_BYTE, at + 18) != 0,
        m.get(JAVA_BYTE, at + 19) != 0,
        m.get(JAVA_BYTE, at + 20) != 0,
        m.get(JAVA_BYTE, at + 21) != 0,
        m.get(JAVA_BYTE, at + 22) != 0);
  }

  static void writeSregs(MemorySegment m, Sregs r) {
    Segment[] segments = {r.cs(), r.ds(), r.es(), r.fs(), r.gs(), r.ss(), r.tr(), r.ldt()};
    for (int i = 0; i < segments.length; i++) {
      writeSegment(m, i * SEGMENT_SIZE, segments[i]);
    }
    writeTable(m, SREGS_GDT, r.gdt());
    writeTable(m, SREGS_IDT, r.idt());
    long[] control = {r.cr0(), r.cr2(), r.cr3(), r.cr4(), r.cr8(), r.efer(), r.apicBase()};
    for (int i = 0; i < control.length; i++) {
      m.set(JAVA_LONG, SREGS_CR0 + i * 8L, control[i]);
    }
    long[] bitmap = r.interruptBitmap();
    for (int i = 0; i < bitmap.length; i++) {
      m.set(JAVA_LONG, SREGS_INTERRUPT_BITMAP + i * 8L, bitmap[i]);
    }
  }

  static Sregs readSregs(MemorySegment m) {
    Segment[] s = new Segment[8];
    for (int i = 0; i < s.length; i++) {
      s[i] = readSegment(m, i * SEGMENT_SIZE);
    }
    long[] c = new long[7];
    for (int i = 0; i < c.length; i++) {
      c[i] = m.get(JAVA_LONG, SREGS_CR0 + i * 8L);
    }
    long[] bitmap = new long[4];
    for (int i = 0; i < bitmap.length; i++) {
      bitmap[i] = m.get(JAVA_LONG, SREGS_INTERRUPT_BITMAP + i * 8L);
    }
    return new Sregs(
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
        s[5],
        s[6],
        s[7],
        readTable(m, SREGS_GDT),
        readTable(m, SREGS_IDT),
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        c[5],
        c[6],
        bitmap);
  }

  private static void writeTable(MemorySegment m, long at, DescriptorTable t) {
    m.set(JAVA_LONG, at, t.base());
    m.set(JAVA_SHORT, at + 8, (short) t.limit());
    m.asSlice(at + 10, 6).fill((byte) 0);
  }

  private static DescriptorTable readTable(MemorySegment m, long at) {
    return new DescriptorTable(
        m.get(JAVA_LONG, at), Short.toUnsignedInt(m.get(JAVA_SHORT, at + 8)));
  }

  static void writeCpuidEntry(MemorySegment m, long at, CpuidEntry e) {
    m.set(JAVA_INT, at, e.function());
    m.set(JAVA_INT, at + 4, e.index());
    m.set(JAVA_INT, at + 8, e.flags());
    m.set(JAVA_INT, at + 12, e.eax());
    m.set(JAVA_INT, at + 16, e.ebx());
    m.set(JAVA_INT, at + 20, e.ecx());
    m.set(JAVA_INT, at + 24, e.edx());
    m.asSlice(at + 28, 12).fill((byte) 0);
  }

  static CpuidEntry readCpuidEntry(MemorySegment m, long at) {
    return new CpuidEntry(
        m.get(JAVA_INT, at),
        m.get(JAVA_INT, at + 4),
        m.get(JAVA_INT, at + 8),
        m.get(JAVA_INT, at + 12),
        m.get(JAVA_INT, at + 16),
        m.get(JAVA_INT, at + 20),
        m.get(JAVA_INT, at + 24));
  }

  /** An ioctl that fills a struct of {@code size} bytes, returned whole. */
  static byte[] get(Fd fd, Ioctl request, long size) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(size, 8);
      fd.ioctl(request, m);
      return m.toArray(JAVA_BYTE);
    }
  }

  /** An ioctl that reads a struct of {@code size} bytes, given whole as {@code state}. */
  static void set(Fd fd, Ioctl request, byte[] state, long size, String struct) {
    requireSize(struct, state, size);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(size, 8);
      MemorySegment.copy(state, 0, m, JAVA_BYTE, 0, state.length);
      fd.ioctl(request, m);
    }
  }

  /** The entries of a {@code struct kvm_cpuid2} the kernel filled (count first, entries at 8). */
  static List<CpuidEntry> readCpuid(MemorySegment m) {
    int count = m.get(JAVA_INT, 0);
    List<CpuidEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(readCpuidEntry(m, 8 + i * CPUID_ENTRY_SIZE));
    }
    return entries;
  }

  /** Refuses a saved struct of the wrong size before the kernel reads past it. */
  static void requireSize(String struct, byte[] state, long size) {
    if (state == null || state.length != size) {
      throw new IllegalArgumentException(
          struct
              + ": "
              + (state == null ? "null" : state.length + " bytes")
              + " (expected: "
              + size
              + " bytes)");
    }
  }

  private static byte flag(boolean b) {
    return b ? (byte) 1 : (byte) 0;
  }
}
