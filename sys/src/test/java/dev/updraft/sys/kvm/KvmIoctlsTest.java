package dev.updraft.sys.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Ioctl;
import dev.updraft.sys.testing.CProbe;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C probe against the system's {@code linux/kvm.h} and checks every ioctl number and
 * struct offset the Java side hand-codes, so a typo cannot reach a kernel call.
 */
@NeedsProgram(value = "gcc", debian = "gcc")
@EnabledIf(
    value = "headersPresent",
    disabledReason = "needs linux/kvm.h: apt-get install linux-libc-dev")
class KvmIoctlsTest {
  private static final String PROBE =
      """
      #include <linux/kvm.h>
      #include <stdio.h>
      #include <stddef.h>
      #define N(x) printf("%s %lu\\n", #x, (unsigned long)(x));
      #define O(s, f) printf("%s.%s %zu\\n", #s, #f, offsetof(struct s, f));
      #define S(s) printf("sizeof.%s %zu\\n", #s, sizeof(struct s));
      int main(void) {
        N(KVM_GET_API_VERSION) N(KVM_CREATE_VM) N(KVM_GET_MSR_INDEX_LIST) N(KVM_CHECK_EXTENSION)
        N(KVM_GET_VCPU_MMAP_SIZE) N(KVM_GET_SUPPORTED_CPUID) N(KVM_CREATE_VCPU)
        N(KVM_SET_USER_MEMORY_REGION) N(KVM_SET_TSS_ADDR) N(KVM_CREATE_IRQCHIP) N(KVM_IRQ_LINE)
        N(KVM_IRQFD) N(KVM_CREATE_PIT2) N(KVM_IOEVENTFD) N(KVM_RUN) N(KVM_GET_REGS) N(KVM_SET_REGS)
        N(KVM_GET_SREGS) N(KVM_SET_SREGS) N(KVM_GET_MSRS) N(KVM_SET_MSRS) N(KVM_GET_FPU)
        N(KVM_SET_FPU) N(KVM_GET_LAPIC) N(KVM_SET_LAPIC) N(KVM_SET_CPUID2) N(KVM_GET_MP_STATE)
        N(KVM_SET_MP_STATE) N(KVM_KVMCLOCK_CTRL) N(KVM_GET_DIRTY_LOG) N(KVM_GET_IRQCHIP)
        N(KVM_SET_IRQCHIP) N(KVM_GET_CLOCK) N(KVM_SET_CLOCK) N(KVM_GET_PIT2) N(KVM_SET_PIT2)
        N(KVM_GET_CPUID2) N(KVM_GET_VCPU_EVENTS) N(KVM_SET_VCPU_EVENTS) N(KVM_GET_DEBUGREGS)
        N(KVM_SET_DEBUGREGS) N(KVM_GET_TSC_KHZ) N(KVM_SET_TSC_KHZ) N(KVM_GET_XSAVE)
        N(KVM_SET_XSAVE) N(KVM_GET_XSAVE2) N(KVM_GET_XCRS) N(KVM_SET_XCRS)
        S(kvm_dirty_log) S(kvm_irqchip) S(kvm_pit_state2) S(kvm_clock_data) S(kvm_vcpu_events)
        S(kvm_debugregs) S(kvm_xsave) S(kvm_xcrs)
        O(kvm_clock_data, flags) O(kvm_clock_data, realtime) O(kvm_clock_data, host_tsc)
        O(kvm_dirty_log, dirty_bitmap) N(KVM_CLOCK_REALTIME) N(KVM_CLOCK_TSC_STABLE)
        N(KVM_CLOCK_HOST_TSC) N(KVM_IRQCHIP_PIC_MASTER) N(KVM_IRQCHIP_PIC_SLAVE)
        N(KVM_IRQCHIP_IOAPIC) N(KVM_MEM_LOG_DIRTY_PAGES)
        S(kvm_regs) S(kvm_sregs) S(kvm_segment) S(kvm_fpu) S(kvm_lapic_state) S(kvm_cpuid_entry2)
        S(kvm_msr_entry) S(kvm_userspace_memory_region) S(kvm_irqfd) S(kvm_ioeventfd)
        S(kvm_pit_config)
        O(kvm_sregs, gdt) O(kvm_sregs, idt) O(kvm_sregs, cr0) O(kvm_sregs, interrupt_bitmap)
        O(kvm_fpu, fcw) O(kvm_fpu, mxcsr) O(kvm_run, immediate_exit) O(kvm_run, exit_reason)
        O(kvm_run, mmio) O(kvm_run, io) O(kvm_run, mmio.data) O(kvm_run, mmio.len)
        O(kvm_run, mmio.is_write) O(kvm_run, io.data_offset) O(kvm_ioeventfd, fd)
        O(kvm_ioeventfd, flags) O(kvm_segment, unusable)
        N(KVM_CAP_IRQCHIP) N(KVM_CAP_IOEVENTFD) N(KVM_CAP_IRQFD) N(KVM_CAP_IMMEDIATE_EXIT)
        N(KVM_CAP_PIT_STATE2) N(KVM_CAP_ADJUST_CLOCK) N(KVM_CAP_VCPU_EVENTS) N(KVM_CAP_MAX_VCPUS)
        N(KVM_CAP_KVMCLOCK_CTRL) N(KVM_CAP_XCRS) N(KVM_CAP_XSAVE) N(KVM_CAP_EXT_CPUID)
        N(KVM_CAP_XSAVE2) N(KVM_CAP_TSC_CONTROL) N(KVM_CAP_GET_TSC_KHZ)
        return 0;
      }
      """;

  private static Map<String, Long> kernel;

  static boolean headersPresent() {
    return Files.exists(Path.of("/usr/include/linux/kvm.h"));
  }

  @BeforeAll
  static void compileProbe(@TempDir Path dir) throws IOException {
    kernel = CProbe.run(dir, PROBE);
  }

  @Test
  void ioctlNumbersMatchTheHeaders() {
    Ioctl[] ours = {
      KvmIoctls.GET_API_VERSION,
      KvmIoctls.CREATE_VM,
      KvmIoctls.GET_MSR_INDEX_LIST,
      KvmIoctls.CHECK_EXTENSION,
      KvmIoctls.GET_VCPU_MMAP_SIZE,
      KvmIoctls.GET_SUPPORTED_CPUID,
      KvmIoctls.CREATE_VCPU,
      KvmIoctls.SET_USER_MEMORY_REGION,
      KvmIoctls.SET_TSS_ADDR,
      KvmIoctls.CREATE_IRQCHIP,
      KvmIoctls.IRQ_LINE,
      KvmIoctls.IRQFD,
      KvmIoctls.CREATE_PIT2,
      KvmIoctls.IOEVENTFD,
      KvmIoctls.RUN,
      KvmIoctls.GET_REGS,
      KvmIoctls.SET_REGS,
      KvmIoctls.GET_SREGS,
      KvmIoctls.SET_SREGS,
      KvmIoctls.GET_MSRS,
      KvmIoctls.SET_MSRS,
      KvmIoctls.GET_FPU,
      KvmIoctls.SET_FPU,
      KvmIoctls.GET_LAPIC,
      KvmIoctls.SET_LAPIC,
      KvmIoctls.SET_CPUID2,
      KvmIoctls.GET_MP_STATE,
      KvmIoctls.SET_MP_STATE,
      KvmIoctls.KVMCLOCK_CTRL,
      KvmIoctls.GET_DIRTY_LOG,
      KvmIoctls.GET_IRQCHIP,
      KvmIoctls.SET_IRQCHIP,
      KvmIoctls.GET_CLOCK,
      KvmIoctls.SET_CLOCK,
      KvmIoctls.GET_PIT2,
      KvmIoctls.SET_PIT2,
      KvmIoctls.GET_CPUID2,
      KvmIoctls.GET_VCPU_EVENTS,
      KvmIoctls.SET_VCPU_EVENTS,
      KvmIoctls.GET_DEBUGREGS,
      KvmIoctls.SET_DEBUGREGS,
      KvmIoctls.GET_TSC_KHZ,
      KvmIoctls.SET_TSC_KHZ,
      KvmIoctls.GET_XSAVE,
      KvmIoctls.SET_XSAVE,
      KvmIoctls.GET_XSAVE2,
      KvmIoctls.GET_XCRS,
      KvmIoctls.SET_XCRS
    };
    for (Ioctl ioctl : ours) {
      assertThat(ioctl.number()).as(ioctl.name()).isEqualTo(kernel.get(ioctl.name()));
    }
  }

  @Test
  void structLayoutsMatchTheHeaders() {
    assertThat(kernel)
        .containsEntry("sizeof.kvm_regs", Structs.REGS_SIZE)
        .containsEntry("sizeof.kvm_sregs", Structs.SREGS_SIZE)
        .containsEntry("sizeof.kvm_segment", Structs.SEGMENT_SIZE)
        .containsEntry("sizeof.kvm_fpu", Structs.FPU_SIZE)
        .containsEntry("sizeof.kvm_lapic_state", Structs.LAPIC_SIZE)
        .containsEntry("sizeof.kvm_cpuid_entry2", Structs.CPUID_ENTRY_SIZE)
        .containsEntry("sizeof.kvm_msr_entry", Structs.MSR_ENTRY_SIZE)
        .containsEntry("sizeof.kvm_userspace_memory_region", Structs.MEMORY_REGION_SIZE)
        .containsEntry("sizeof.kvm_irqfd", Structs.IRQFD_SIZE)
        .containsEntry("sizeof.kvm_ioeventfd", Structs.IOEVENTFD_SIZE)
        .containsEntry("sizeof.kvm_pit_config", Structs.PIT_CONFIG_SIZE)
        .containsEntry("kvm_sregs.gdt", Structs.SREGS_GDT)
        .containsEntry("kvm_sregs.idt", Structs.SREGS_IDT)
        .containsEntry("kvm_sregs.cr0", Structs.SREGS_CR0)
        .containsEntry("kvm_sregs.interrupt_bitmap", Structs.SREGS_INTERRUPT_BITMAP)
        .containsEntry("kvm_fpu.fcw", Structs.FPU_FCW)
        .containsEntry("kvm_fpu.mxcsr", Structs.FPU_MXCSR)
        .containsEntry("kvm_run.immediate_exit", 1L)
        .containsEntry("kvm_run.exit_reason", 8L)
        .containsEntry("kvm_run.mmio", 32L)
        .containsEntry("kvm_run.io", 32L)
        .containsEntry("kvm_run.mmio.data", 40L)
        .containsEntry("kvm_run.mmio.len", 48L)
        .containsEntry("kvm_run.mmio.is_write", 52L)
        .containsEntry("kvm_run.io.data_offset", 40L)
        .containsEntry("kvm_ioeventfd.fd", 20L)
        .containsEntry("kvm_ioeventfd.flags", 24L)
        .containsEntry("kvm_segment.unusable", 22L)
        .containsEntry("sizeof.kvm_dirty_log", Structs.DIRTY_LOG_SIZE)
        .containsEntry("sizeof.kvm_irqchip", Structs.IRQCHIP_SIZE)
        .containsEntry("sizeof.kvm_pit_state2", Structs.PIT_STATE2_SIZE)
        .containsEntry("sizeof.kvm_clock_data", Structs.CLOCK_DATA_SIZE)
        .containsEntry("sizeof.kvm_vcpu_events", Structs.VCPU_EVENTS_SIZE)
        .containsEntry("sizeof.kvm_debugregs", Structs.DEBUGREGS_SIZE)
        .containsEntry("sizeof.kvm_xsave", Structs.XSAVE_SIZE)
        .containsEntry("sizeof.kvm_xcrs", Structs.XCRS_SIZE)
        .containsEntry("kvm_clock_data.flags", Structs.CLOCK_FLAGS)
        .containsEntry("kvm_clock_data.realtime", Structs.CLOCK_REALTIME)
        .containsEntry("kvm_clock_data.host_tsc", Structs.CLOCK_HOST_TSC)
        .containsEntry("kvm_dirty_log.dirty_bitmap", 8L)
        .containsEntry("KVM_CLOCK_REALTIME", (long) ClockData.REALTIME)
        .containsEntry("KVM_CLOCK_TSC_STABLE", (long) ClockData.TSC_STABLE)
        .containsEntry("KVM_CLOCK_HOST_TSC", (long) ClockData.HOST_TSC)
        .containsEntry("KVM_IRQCHIP_PIC_MASTER", (long) VmFd.IRQCHIP_PIC_MASTER)
        .containsEntry("KVM_IRQCHIP_PIC_SLAVE", (long) VmFd.IRQCHIP_PIC_SLAVE)
        .containsEntry("KVM_IRQCHIP_IOAPIC", (long) VmFd.IRQCHIP_IOAPIC)
        .containsEntry("KVM_MEM_LOG_DIRTY_PAGES", (long) VmFd.MEM_LOG_DIRTY_PAGES);
  }

  @Test
  void capabilityNumbersMatchTheHeaders() {
    for (Capability c : Capability.values()) {
      Long number = kernel.get("KVM_CAP_" + c.name());
      if (number != null) {
        assertThat((long) c.number()).as(c.name()).isEqualTo(number);
      }
    }
    assertThat(kernel).containsEntry("KVM_CAP_MAX_VCPUS", (long) Capability.MAX_VCPUS.number());
  }
}
