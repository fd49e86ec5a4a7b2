package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.BitFilter;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import org.junit.jupiter.api.Test;

/** {@code PUT /cpu-config}: Firecracker's custom CPU template format, rules and counters. */
class CpuConfigApiTest extends OnTestVmm {
  /** The shape of Firecracker's documented example (docs/cpu_templates/cpu-templates.md). */
  static final String TEMPLATE =
      """
      {
        "kvm_capabilities": ["171", "!172"],
        "cpuid_modifiers": [
          {
            "leaf": "0x1",
            "subleaf": "0x0",
            "flags": 0,
            "modifiers": [
              {"register": "eax", "bitmap": "0bxxxx000000000011xx00011011110010"},
              {"register": "ecx", "bitmap": "0bxxxxxxxxxxxxxxxxxxxxxxx_0xxxxxxxx"}
            ]
          }
        ],
        "msr_modifiers": [
          {"addr": "0x10a", "bitmap": "0b0000000000000000000000000000000000000000000000000000000000000000"}
        ]
      }
      """;

  @Test
  void aTemplateIsTakenBeforeBootAndReachesTheVm() {
    ApiReply put = vm.put("/cpu-config", TEMPLATE);
    assertThat(put.status()).as(put.body()).isEqualTo(204);
    CustomCpuTemplate stored = vm.vmm.resources().cpuConfig();
    assertThat(stored.kvmCapabilities())
        .containsExactly(
            new CustomCpuTemplate.KvmCapability(171, false),
            new CustomCpuTemplate.KvmCapability(172, true));
    var leaf = stored.cpuidModifiers().getFirst();
    assertThat(leaf.leaf()).isEqualTo(1);
    assertThat(leaf.modifiers().getFirst().register()).isEqualTo(CpuidRegister.EAX);
    assertThat(leaf.modifiers().getFirst().bitmap())
        .isEqualTo(new BitFilter(0x0FFF_3FFFL, 0b0000000000000011_0000011011110010L));
    assertThat(leaf.modifiers().get(1).bitmap())
        .as("_ separates; x keeps the host's bit")
        .isEqualTo(new BitFilter(1L << 8, 0));
    assertThat(stored.msrModifiers().getFirst().addr()).isEqualTo(0x10A);
    assertThat(stored.msrModifiers().getFirst().bitmap()).isEqualTo(new BitFilter(-1L, 0));
    assertThat(vm.metrics.putRequests().snapshot()).containsEntry("cpu_cfg_count", 1L);

    assertThat(TestVmm.json(vm.get("/vm/config")).get("cpu-config").isNull())
        .as("Firecracker reports cpu-config as null")
        .isTrue();
    vm.boot();
    assertThat(vm.hypervisor.started().getFirst().cpuConfig()).isEqualTo(stored);
    assertThat(TestVmm.fault(vm.put("/cpu-config", "{}")))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
  }

  @Test
  void aCustomTemplateAndAStaticOneReplaceEachOther() {
    vm.put(
        "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128, \"cpu_template\": \"T2\"}");
    assertThat(vm.put("/cpu-config", TEMPLATE).status()).isEqualTo(204);
    assertThat(vm.vmm.resources().machine().cpuTemplate()).isEqualTo(CpuTemplate.NONE);

    vm.patch("/machine-config", "{\"vcpu_count\": 2}");
    assertThat(vm.vmm.resources().cpuConfig()).as("an update without cpu_template").isNotNull();
    vm.patch("/machine-config", "{\"cpu_template\": \"T2S\"}");
    assertThat(vm.vmm.resources().cpuConfig()).as("a static template replaces it").isNull();
    assertThat(vm.vmm.resources().machine().cpuTemplate()).isEqualTo(CpuTemplate.T2S);
  }

  @Test
  void badTemplatesAreRefusedNamingFieldValueAndExpectation() {
    assertThat(fault("{\"reg_modifiers\": []}"))
        .contains("reg_modifiers: unknown field (expected one of: kvm_capabilities,");
    assertThat(
            fault(leaf("\"leaf\": \"1\", \"subleaf\": \"0x0\", \"flags\": 0, \"modifiers\": []")))
        .contains(
            "cpuid_modifiers[0].leaf: \"1\" (expected: a number up to 32 bits with a 0x or 0b"
                + " prefix)");
    assertThat(
            fault(
                leaf(
                    "\"leaf\": \"0x100000000\", \"subleaf\": \"0x0\", \"flags\": 0, \"modifiers\": []")))
        .contains("cpuid_modifiers[0].leaf: \"0x100000000\"");
    assertThat(fault(leaf("\"leaf\": \"0x1\", \"subleaf\": \"0x0\", \"modifiers\": []")))
        .contains("cpuid_modifiers[0].flags: missing");
    assertThat(fault(leaf("\"leaf\": \"0x1\", \"subleaf\": \"0x0\", \"flags\": 0")))
        .contains("cpuid_modifiers[0].modifiers: missing");
    assertThat(
            fault(
                leaf(
                    "\"leaf\": \"0x1\", \"subleaf\": \"0x0\", \"flags\": 0, \"modifiers\":"
                        + " [{\"register\": \"rax\", \"bitmap\": \"0b1\"}]")))
        .contains("cpuid_modifiers[0].modifiers[0]: register: \"rax\"")
        .contains("eax");
    assertThat(
            fault(
                leaf(
                    "\"leaf\": \"0x1\", \"subleaf\": \"0x0\", \"flags\": 0, \"modifiers\":"
                        + " [{\"register\": \"eax\", \"bitmap\": \"0b10y1\"}]")))
        .contains(
            "cpuid_modifiers[0].modifiers[0].bitmap: \"0b10y1\" (expected: only 0, 1, x and _"
                + " after an optional 0b; found 'y')");
    assertThat(
            fault(
                leaf(
                    "\"leaf\": \"0x1\", \"subleaf\": \"0x0\", \"flags\": 0, \"modifiers\":"
                        + " [{\"register\": \"eax\", \"bitmap\": \"0b1"
                        + "0".repeat(32)
                        + "\"}]")))
        .contains("(expected: at most 32 bits of 0, 1 and x)");
    assertThat(
            fault(
                "{\"msr_modifiers\": [{\"addr\": \"0x10a\", \"bitmap\": \"1"
                    + "x".repeat(64)
                    + "\"}]}"))
        .contains("msr_modifiers[0].bitmap")
        .contains("at most 64 bits");
    assertThat(fault("{\"kvm_capabilities\": [\"!\"]}"))
        .contains(
            "kvm_capabilities[0]: \"!\" (expected: a KVM capability number, with ! in front to"
                + " remove it)");
    assertThat(fault("{\"kvm_capabilities\": [\"-1\"]}")).contains("kvm_capabilities[0]: \"-1\"");
    assertThat(vm.vmm.resources().cpuConfig()).as("nothing was stored").isNull();
    assertThat(vm.metrics.putRequests().snapshot().get("cpu_cfg_fails")).isPositive();
  }

  private String fault(String body) {
    return TestVmm.fault(vm.put("/cpu-config", body));
  }

  private static String leaf(String fields) {
    return "{\"cpuid_modifiers\": [{" + fields + "}]}";
  }
}
