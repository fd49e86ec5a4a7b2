package dev.updraft.vmm.snapshot;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.sys.kvm.Regs;
import dev.updraft.sys.kvm.Sregs;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.List;
import java.util.Objects;

/**
 * One vCPU as KVM holds it, what Firecracker's {@code VcpuState} holds: the CPUID it was given, its
 * MP state, registers and special registers, the FPU and XSAVE areas, XCRs, debug registers, the
 * LAPIC page, the MSRs KVM reports as saveable, pending events and the TSC frequency. Kernel
 * structs are kept as they are.
 */
public record VcpuState(
    List<CpuidEntry> cpuid,
    int mpState,
    Regs regs,
    Sregs sregs,
    Blob fpu,
    Blob xsave,
    Blob xcrs,
    Blob debugRegs,
    Blob lapic,
    List<MsrEntry> msrs,
    Blob events,
    int tscKhz)
    implements Encodable {
  static final int MAX_CPUID = 256;
  static final int MAX_MSRS = 1024;
  static final int MAX_XSAVE = 1 << 16;

  public VcpuState {
    cpuid = List.copyOf(cpuid);
    Objects.requireNonNull(regs, "regs");
    Objects.requireNonNull(sregs, "sregs");
    KvmVmState.requireBytes("fpu", fpu, 416);
    if (xsave.length() < 4096 || xsave.length() > MAX_XSAVE) {
      throw new IllegalArgumentException(
          "xsave: " + xsave.length() + " bytes (expected: 4096.." + MAX_XSAVE + ")");
    }
    KvmVmState.requireBytes("xcrs", xcrs, 392);
    KvmVmState.requireBytes("debug_regs", debugRegs, 128);
    KvmVmState.requireBytes("lapic", lapic, 1024);
    msrs = List.copyOf(msrs);
    KvmVmState.requireBytes("vcpu_events", events, 64);
    if (tscKhz < 0) {
      throw new IllegalArgumentException("tsc_khz: " + tscKhz + " (expected: >= 0)");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeList(cpuid, KvmCodec::writeCpuid).writeInt(mpState);
    KvmCodec.writeRegs(out, regs);
    KvmCodec.writeSregs(out, sregs);
    out.writeBlob(fpu)
        .writeBlob(xsave)
        .writeBlob(xcrs)
        .writeBlob(debugRegs)
        .writeBlob(lapic)
        .writeList(msrs, KvmCodec::writeMsr)
        .writeBlob(events)
        .writeInt(tscKhz);
  }

  public static VcpuState read(StateReader in) {
    return new VcpuState(
        in.readList(MAX_CPUID, KvmCodec::readCpuid),
        in.readInt(),
        KvmCodec.readRegs(in),
        KvmCodec.readSregs(in),
        in.readBlob(416),
        in.readBlob(MAX_XSAVE),
        in.readBlob(392),
        in.readBlob(128),
        in.readBlob(1024),
        in.readList(MAX_MSRS, KvmCodec::readMsr),
        in.readBlob(64),
        in.readInt());
  }
}
