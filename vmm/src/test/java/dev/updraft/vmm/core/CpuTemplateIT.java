package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.BitFilter;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import dev.updraft.vmm.cpu.CpuTemplateException;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A custom CPU template changes what CPUID returns to the guest: the guest executes CPUID and
 * reports it, with and without the template, on the same host.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class CpuTemplateIT {
  // Leaf 1: the stepping (EAX 3:0) forced to 0xA, FMA and SSE3 (ECX bits 12 and 0) forced off.
  private static final CustomCpuTemplate TEMPLATE =
      new CustomCpuTemplate(
          List.of(),
          List.of(
              new CpuidModifier(
                  1,
                  0,
                  0,
                  List.of(
                      new RegisterModifier(CpuidRegister.EAX, new BitFilter(0xF, 0xA)),
                      new RegisterModifier(CpuidRegister.ECX, new BitFilter((1 << 12) | 1, 0))))),
          List.of());

  @Test
  void theGuestSeesTheTemplatesCpuidAndOnlyThat() throws Exception {
    long hostEax;
    long hostEcx;
    long hostEbx;
    try (GuestRun run = GuestRun.start(GuestImages.pvh("cpuid"), "leaf=1")) {
      GuestReport report = run.report().requirePassed("cpuid");
      hostEax = Long.decode(report.require("eax"));
      hostEbx = Long.decode(report.require("ebx"));
      hostEcx = Long.decode(report.require("ecx"));
    }
    try (GuestRun run =
        GuestRun.start(GuestImages.pvh("cpuid"), "leaf=1", 1, 128, b -> b.cpuTemplate(TEMPLATE))) {
      GuestReport report = run.report().requirePassed("cpuid");
      long eax = Long.decode(report.require("eax"));
      long ecx = Long.decode(report.require("ecx"));
      assertThat(eax & 0xF).as("the stepping the template forces").isEqualTo(0xA);
      assertThat(eax & ~0xFL).as("the rest of EAX as the host has it").isEqualTo(hostEax & ~0xFL);
      long forced = (1L << 12) | 1;
      if (Host.onKvmPvm()) {
        // Measured here: KVM's PVM backend keeps leaf 1's ECX feature bits as the host has them
        // (KVM_GET_CPUID2 shows them restored), since ring-3 code runs natively on the host CPU.
        assertThat(ecx).as("leaf 1 ECX under PVM").isEqualTo(hostEcx);
      } else {
        assertThat(ecx & forced).as("FMA and SSE3 forced off").isZero();
        assertThat(ecx & ~forced).isEqualTo(hostEcx & ~forced);
      }
      assertThat(Long.decode(report.require("ebx"))).isEqualTo(hostEbx);
    }
  }

  @Test
  void aLeafTheHostDoesNotHaveIsRefusedByName() {
    CustomCpuTemplate unknown =
        new CustomCpuTemplate(
            List.of(), List.of(new CpuidModifier(0x4FFF_FFF0, 0, 0, List.of())), List.of());
    assertThatThrownBy(
            () ->
                GuestRun.start(GuestImages.pvh("cpuid"), "", 1, 128, b -> b.cpuTemplate(unknown))
                    .close())
        .isInstanceOf(CpuTemplateException.class)
        .hasMessageContaining("CPUID leaf 0x4ffffff0 subleaf 0x0 is not supported by KVM");
  }

  @Test
  void anMsrTheTemplateChangesHasTheForcedBitsOnEveryVcpu() throws Exception {
    // IA32_MISC_ENABLE (0x1a0): the boot MSRs set fast strings (bit 0); the template clears it and
    // sets bit 22 (limit CPUID maxval), which the boot MSRs leave alone.
    CustomCpuTemplate msr =
        new CustomCpuTemplate(
            List.of(),
            List.of(),
            List.of(
                new CustomCpuTemplate.MsrModifier(0x1A0, new BitFilter(1 | (1L << 22), 1L << 22))));
    try (GuestRun run =
        GuestRun.start(GuestImages.pvh("cpuid"), "leaf=1", 2, 128, b -> b.cpuTemplate(msr))) {
      run.report().requirePassed("cpuid");
      run.awaitDrained(); // the vCPUs are out of KVM_RUN, so their MSRs can be read
      for (var vcpu : run.vm.machine().vcpuFds()) {
        long value = vcpu.msrs(List.of(0x1A0)).getFirst().value();
        assertThat(value & 1).as("fast strings cleared").isZero();
        assertThat(value & (1L << 22)).as("bit 22 set").isNotZero();
      }
    }
  }

  @Test
  void anUnknownKvmCapabilityIsRefused() {
    CustomCpuTemplate caps =
        new CustomCpuTemplate(
            List.of(new CustomCpuTemplate.KvmCapability(99_999, false)), List.of(), List.of());
    assertThatThrownBy(
            () ->
                GuestRun.start(GuestImages.pvh("cpuid"), "", 1, 128, b -> b.cpuTemplate(caps))
                    .close())
        .isInstanceOf(CpuTemplateException.class)
        .hasMessageContaining("KVM capability 99999 is not supported");
  }

  /**
   * A static template applies only on the processor models Firecracker made it for. On such a host
   * the guest sees T2's Haswell signature and no AVX-512; on any other (this project's CI host is
   * one) InstanceStart fails with Firecracker's reason, naming the host's model and the allowed.
   */
  @Test
  void aStaticTemplateAppliesOnlyOnTheModelsItWasMadeFor() throws Exception {
    long hostEax;
    try (GuestRun run = GuestRun.start(GuestImages.pvh("cpuid"), "leaf=1")) {
      hostEax = Long.decode(run.report().requirePassed("cpuid").require("eax"));
    }
    int signature = (int) hostEax & 0x0fff_0fff;
    boolean t2Host =
        List.of(0x0005_0654, 0x0005_0657, 0x0006_06a6).contains(signature)
            && Files.readString(Path.of("/proc/cpuinfo")).contains("GenuineIntel");
    if (!t2Host) {
      assertThatThrownBy(
              () ->
                  GuestRun.start(
                          GuestImages.pvh("cpuid"),
                          "leaf=1",
                          1,
                          128,
                          b -> b.staticCpuTemplate(CpuTemplate.T2))
                      .close())
          .isInstanceOf(CpuTemplateException.class)
          .hasMessageContaining("cpu_template T2: ")
          .hasMessageMatching(
              "(?s).*(The current CPU model is not permitted to apply the CPU template \\(host:"
                  + " family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping 0x[0-9a-f]+; expected: family"
                  + " 0x6 model 0x55 stepping 0x4 \\(Skylake\\).*|CPU vendor mismatched.*)");
      return;
    }
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("cpuid"), "leaf=1", 1, 128, b -> b.staticCpuTemplate(CpuTemplate.T2))) {
      long eax = Long.decode(run.report().requirePassed("cpuid").require("eax"));
      assertThat(eax & 0x0fff_3fff).as("T2's Haswell signature").isEqualTo(0x0003_06f2);
    }
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("cpuid"),
            "leaf=7 subleaf=0",
            1,
            128,
            b -> b.staticCpuTemplate(CpuTemplate.T2))) {
      long ebx = Long.decode(run.report().requirePassed("cpuid").require("ebx"));
      assertThat(ebx & (1L << 16)).as("AVX512F hidden").isZero();
      assertThat(ebx & (1L << 9)).as("ERMS shown").isNotZero();
    }
  }
}
