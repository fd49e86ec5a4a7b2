package dev.updraft.sys.kvm;

import java.util.Arrays;
import java.util.Objects;

/**
 * The special registers of {@code struct kvm_sregs}: segments, descriptor tables, control
 * registers, EFER and APIC base. {@code interruptBitmap} is the kernel's pending-interrupt bitmap
 * (4 words) and is passed through unchanged.
 */
public record Sregs(
    Segment cs,
    Segment ds,
    Segment es,
    Segment fs,
    Segment gs,
    Segment ss,
    Segment tr,
    Segment ldt,
    DescriptorTable gdt,
    DescriptorTable idt,
    long cr0,
    long cr2,
    long cr3,
    long cr4,
    long cr8,
    long efer,
    long apicBase,
    long[] interruptBitmap) {
  public Sregs {
    Objects.requireNonNull(cs, "cs");
    Objects.requireNonNull(ds, "ds");
    Objects.requireNonNull(es, "es");
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(gs, "gs");
    Objects.requireNonNull(ss, "ss");
    Objects.requireNonNull(tr, "tr");
    Objects.requireNonNull(ldt, "ldt");
    Objects.requireNonNull(gdt, "gdt");
    Objects.requireNonNull(idt, "idt");
    if (interruptBitmap == null || interruptBitmap.length != 4) {
      throw new IllegalArgumentException(
          "interruptBitmap: " + Arrays.toString(interruptBitmap) + " (expected: 4 words)");
    }
    interruptBitmap = interruptBitmap.clone();
  }

  @Override
  public long[] interruptBitmap() {
    return interruptBitmap.clone();
  }

  /** A copy with new segments, tables and control registers; APIC base and bitmap kept. */
  public Sregs with(
      Segment code,
      Segment data,
      Segment task,
      DescriptorTable gdt,
      DescriptorTable idt,
      long cr0,
      long cr3,
      long cr4,
      long efer) {
    return new Sregs(
        code,
        data,
        data,
        data,
        data,
        data,
        task,
        ldt,
        gdt,
        idt,
        cr0,
        cr2,
        cr3,
        cr4,
        cr8,
        efer,
        apicBase,
        interruptBitmap);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sregs other
        && cs.equals(other.cs)
        && ds.equals(other.ds)
        && es.equals(other.es)
        && fs.equals(other.fs)
        && gs.equals(other.gs)
        && ss.equals(other.ss)
        && tr.equals(other.tr)
        && ldt.equals(other.ldt)
        && gdt.equals(other.gdt)
        && idt.equals(other.idt)
        && cr0 == other.cr0
        && cr2 == other.cr2
        && cr3 == other.cr3
        && cr4 == other.cr4
        && cr8 == other.cr8
        && efer == other.efer
        && apicBase == other.apicBase
        && Arrays.equals(interruptBitmap, other.interruptBitmap);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cs, ds, tr, gdt, idt, cr0, cr3, cr4, efer, apicBase)
        ^ Arrays.hashCode(interruptBitmap);
  }
}
