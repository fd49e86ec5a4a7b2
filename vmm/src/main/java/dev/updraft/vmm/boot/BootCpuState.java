package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;
import java.util.Objects;

/**
 * The boot CPU's registers at the kernel entry (firecracker.md §3.5), ready to be copied into
 * KVM_SET_REGS and KVM_SET_SREGS. Every vCPU gets the same state; only the BSP runs from it, the
 * APs wait for INIT/SIPI. Control registers are absolute values: Firecracker ORs its bits into
 * KVM's reset CR0 (which keeps CD and NW set); we enter with caching enabled instead, which no
 * kernel minds.
 *
 * @param rip entry point
 * @param rsp stack pointer (Linux boot: 0x8FF0)
 * @param rbp frame pointer (Linux boot: 0x8FF0)
 * @param rsi zero page (Linux boot)
 * @param rbx hvm_start_info (PVH)
 * @param rflags only the reserved bit 1
 * @param cr0 CR0
 * @param cr3 page table root (Linux boot)
 * @param cr4 CR4
 * @param efer EFER
 * @param gdtBase GDT base
 * @param gdtLimit GDT limit
 * @param idtBase IDT base
 * @param idtLimit IDT limit
 * @param cs code segment
 * @param ds data segment
 * @param es data segment
 * @param fs data segment
 * @param gs data segment
 * @param ss data segment
 * @param tr task register
 */
public record BootCpuState(
    long rip,
    long rsp,
    long rbp,
    long rsi,
    long rbx,
    long rflags,
    long cr0,
    long cr3,
    long cr4,
    long efer,
    long gdtBase,
    int gdtLimit,
    long idtBase,
    int idtLimit,
    Segment cs,
    Segment ds,
    Segment es,
    Segment fs,
    Segment gs,
    Segment ss,
    Segment tr) {
  public static final long CR0_PE = 0x1;
  public static final long CR0_ET = 0x10;
  public static final long CR0_PG = 0x8000_0000L;
  public static final long CR4_PAE = 0x20;
  public static final long EFER_LME = 0x100;
  public static final long EFER_LMA = 0x400;
  public static final long RFLAGS_RESERVED = 0x2;

  /** FPU control word and MXCSR Firecracker sets with KVM_SET_FPU, for both protocols. */
  public static final int FPU_FCW = 0x37F;

  public static final int FPU_MXCSR = 0x1F80;

  public BootCpuState {
    Objects.requireNonNull(cs, "cs");
    Objects.requireNonNull(ds, "ds");
    Objects.requireNonNull(es, "es");
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(gs, "gs");
    Objects.requireNonNull(ss, "ss");
    Objects.requireNonNull(tr, "tr");
  }

  /** The entry state for {@code kernel}. */
  public static BootCpuState of(LoadedKernel kernel) {
    return of(kernel.protocol(), kernel.entry());
  }

  /** The entry state of {@code protocol} jumping to {@code entry}. */
  public static BootCpuState of(BootProtocol protocol, long entry) {
    long[] gdt = BootTables.gdt(protocol);
    Segment code = Segment.fromGdtEntry(gdt[1], 1);
    Segment data = Segment.fromGdtEntry(gdt[2], 2);
    Segment tss = Segment.fromGdtEntry(gdt[3], 3);
    boolean linux = protocol == BootProtocol.LINUX_64;
    return new BootCpuState(
        entry,
        linux ? Layout.BOOT_STACK_POINTER : 0,
        linux ? Layout.BOOT_STACK_POINTER : 0,
        linux ? Layout.ZERO_PAGE_START : 0,
        linux ? 0 : Layout.PVH_INFO_START,
        RFLAGS_RESERVED,
        linux ? CR0_PE | CR0_ET | CR0_PG : CR0_PE | CR0_ET,
        linux ? Layout.PML4_START : 0,
        linux ? CR4_PAE : 0,
        linux ? EFER_LME | EFER_LMA : 0,
        Layout.BOOT_GDT_START,
        BootTables.GDT_LIMIT,
        Layout.BOOT_IDT_START,
        BootTables.IDT_LIMIT,
        code,
        data,
        data,
        data,
        data,
        data,
        tss);
  }
}
