package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.cpu.CpuTemplateException;
import dev.updraft.vmm.cpu.CpuTemplates;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary bodies for {@code PUT /cpu-config}: 204 or 400 with a fault message, never anything
 * else; a template that was taken applies to a CPUID table or is refused by name, and changes no
 * bit it does not force.
 */
class CpuConfigFuzzTest {
  private static final List<CpuidEntry> HOST =
      List.of(
          new CpuidEntry(0, 0, 0, 0xD, 1, 2, 3),
          new CpuidEntry(1, 0, 0, 0x906EA, 0x100800, 0xFFFA3203, 0x0F8BFBFF),
          new CpuidEntry(7, 0, 1, 0, 0x29C67AF, 0, 0));
  private static TestVmm vm;

  @BeforeAll
  static void aVmm() {
    vm = TestVmm.inTemporaryDirectory("cpu-config-fuzz");
  }

  @AfterAll
  static void close() {
    vm.close();
  }

  @FuzzTest(maxDuration = "5s")
  void template(byte[] data) {
    ApiReply reply = vm.dispatcher.handle("PUT", "/cpu-config", data);
    assertThat(reply.status()).isIn(204, 400);
    if (reply.status() == 400) {
      assertThat(reply.faultMessage()).isNotBlank();
      return;
    }
    CustomCpuTemplate template = vm.vmm.resources().cpuConfig();
    List<CpuidEntry> out;
    try {
      out = CpuTemplates.applyToCpuid(HOST, template);
    } catch (CpuTemplateException e) {
      assertThat(e.getMessage()).startsWith("cpu-config: CPUID leaf");
      return;
    }
    assertThat(out).hasSameSizeAs(HOST);
    for (var leaf : template.cpuidModifiers()) {
      for (var m : leaf.modifiers()) {
        CpuidEntry e =
            out.stream()
                .filter(x -> x.function() == leaf.leaf() && x.index() == leaf.subleaf())
                .findFirst()
                .orElseThrow();
        long register =
            switch (m.register()) {
              case EAX -> Integer.toUnsignedLong(e.eax());
              case EBX -> Integer.toUnsignedLong(e.ebx());
              case ECX -> Integer.toUnsignedLong(e.ecx());
              case EDX -> Integer.toUnsignedLong(e.edx());
            };
        // Later modifiers of the same register may force other bits, never undo what is forced
        // the same way; check the forced bits of the last modifier of each register only.
        boolean last =
            leaf.modifiers().stream().filter(o -> o.register() == m.register()).toList().getLast()
                == m;
        if (last) {
          assertThat(register & m.bitmap().filter()).isEqualTo(m.bitmap().value());
        }
      }
    }
  }
}
