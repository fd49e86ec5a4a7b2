package dev.updraft.vmm.core;

import dev.updraft.sys.kvm.DescriptorTable;
import dev.updraft.sys.kvm.Regs;
import dev.updraft.sys.kvm.Segment;
import dev.updraft.sys.kvm.Sregs;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.vmm.boot.BootCpuState;

/** Copies the boot code's entry state into a vCPU: KVM_SET_REGS, KVM_SET_SREGS, KVM_SET_FPU. */
final class BootRegisters {
  private BootRegisters() {}

  static void apply(VcpuFd vcpu, BootCpuState s) {
    Sregs current = vcpu.sregs();
    vcpu.setSregs(
        new Sregs(
            segment(s.cs()),
            segment(s.ds()),
            segment(s.es()),
            segment(s.fs()),
            segment(s.gs()),
            segment(s.ss()),
            segment(s.tr()),
            current.ldt(),
            new DescriptorTable(s.gdtBase(), s.gdtLimit()),
            new DescriptorTable(s.idtBase(), s.idtLimit()),
            s.cr0(),
            current.cr2(),
            s.cr3(),
            s.cr4(),
            current.cr8(),
            s.efer(),
            current.apicBase(),
            current.interruptBitmap()));
    vcpu.setRegs(
        new Regs(
            0,
            s.rbx(),
            0,
            0,
            s.rsi(),
            0,
            s.rsp(),
            s.rbp(),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            s.rip(),
            s.rflags()));
    vcpu.setFpu(BootCpuState.FPU_FCW, BootCpuState.FPU_MXCSR);
  }

  static Segment segment(dev.updraft.vmm.boot.Segment s) {
    return new Segment(
        s.base(),
        (int) s.limit(),
        s.selector(),
        s.type(),
        s.present(),
        s.dpl(),
        s.db(),
        s.s(),
        s.l(),
        s.g(),
        s.avl(),
        s.unusable());
  }
}
