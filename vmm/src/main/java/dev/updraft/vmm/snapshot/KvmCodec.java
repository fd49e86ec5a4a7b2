package dev.updraft.vmm.snapshot;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.DescriptorTable;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.sys.kvm.Regs;
import dev.updraft.sys.kvm.Segment;
import dev.updraft.sys.kvm.Sregs;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/** The sys layer's KVM register records in a snapshot, field by field in the kernel's order. */
final class KvmCodec {
  private KvmCodec() {}

  static void writeRegs(StateWriter out, Regs r) {
    long[] values = {
      r.rax(),
      r.rbx(),
      r.rcx(),
      r.rdx(),
      r.rsi(),
      r.rdi(),
      r.rsp(),
      r.rbp(),
      r.r8(),
      r.r9(),
      r.r10(),
      r.r11(),
      r.r12(),
      r.r13(),
      r.r14(),
      r.r15(),
      r.rip(),
      r.rflags()
    };
    for (long v : values) {
      out.writeLong(v);
    }
  }

  static Regs readRegs(StateReader in) {
    long[] v = new long[18];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readLong();
    }
    return new Regs(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], v[15], v[16], v[17]);
  }

  static void writeSregs(StateWriter out, Sregs s) {
    for (Segment segment :
        new Segment[] {s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt()}) {
      writeSegment(out, segment);
    }
    writeTable(out, s.gdt());
    writeTable(out, s.idt());
    for (long v :
        new long[] {s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.cr8(), s.efer(), s.apicBase()}) {
      out.writeLong(v);
    }
    for (long word : s.interruptBitmap()) {
      out.writeLong(word);
    }
  }

  static Sregs readSregs(StateReader in) {
    Segment[] segments = new Segment[8];
    for (int i = 0; i < segments.length; i++) {
      segments[i] = readSegment(in);
    }
    DescriptorTable gdt = readTable(in);
    DescriptorTable idt = readTable(in);
    long[] control = new long[7];
    for (int i = 0; i < control.length; i++) {
      control[i] = in.readLong();
    }
    long[] bitmap = new long[4];
    for (int i = 0; i < bitmap.length; i++) {
      bitmap[i] = in.readLong();
    }
    return new Sregs(
        segments[0],
        segments[1],
        segments[2],
        segments[3],
        segments[4],
        segments[5],
        segments[6],
        segments[7],
        gdt,
        idt,
        control[0],
        control[1],
        control[2],
        control[3],
        control[4],
        control[5],
        control[6],
        bitmap);
  }

  private static void writeSegment(StateWriter out, Segment s) {
    out.writeLong(s.base())
        .writeInt(s.limit())
        .writeShort(s.selector())
        .writeByte(s.type())
        .writeBool(s.present())
        .writeByte(s.dpl())
        .writeBool(s.db())
        .writeBool(s.s())
        .writeBool(s.l())
        .writeBool(s.g())
        .writeBool(s.avl())
        .writeBool(s.unusable());
  }

  private static Segment readSegment(StateReader in) {
    return new Segment(
        in.readLong(),
        in.readInt(),
        in.readShort(),
        in.readByte(),
        in.readBool(),
        in.readByte(),
        in.readBool(),
        in.readBool(),
        in.readBool(),
        in.readBool(),
        in.readBool(),
        in.readBool());
  }

  private static void writeTable(StateWriter out, DescriptorTable t) {
    out.writeLong(t.base()).writeShort(t.limit());
  }

  private static DescriptorTable readTable(StateReader in) {
    return new DescriptorTable(in.readLong(), in.readShort());
  }

  static void writeCpuid(StateWriter out, CpuidEntry e) {
    out.writeInt(e.function())
        .writeInt(e.index())
        .writeInt(e.flags())
        .writeInt(e.eax())
        .writeInt(e.ebx())
        .writeInt(e.ecx())
        .writeInt(e.edx());
  }

  static CpuidEntry readCpuid(StateReader in) {
    return new CpuidEntry(
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt());
  }

  static void writeMsr(StateWriter out, MsrEntry msr) {
    out.writeInt(msr.index()).writeLong(msr.value());
  }

  static MsrEntry readMsr(StateReader in) {
    return new MsrEntry(in.readInt(), in.readLong());
  }
}
