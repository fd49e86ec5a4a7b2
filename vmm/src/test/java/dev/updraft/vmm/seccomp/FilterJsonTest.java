package dev.updraft.vmm.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FilterJsonTest {
  private static final String EMPTY =
      "{\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\": []}";

  private static FilterSet parse(String vcpu) {
    String doc = "{\"vmm\": " + EMPTY + ", \"api\": " + EMPTY + ", \"vcpu\": " + vcpu + "}";
    return FilterJson.parse(doc.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsFirecrackersFormat() {
    FilterSet set =
        parse(
            """
            {"default_action": {"errno": 1}, "filter_action": "allow", "comment": "x",
             "filter": [
               {"syscall": "read"},
               {"syscall": "ioctl", "comment": "KVM_RUN",
                "args": [{"index": 1, "type": "dword", "op": "eq", "val": 44672, "comment": "c"}]},
               {"syscall": "openat",
                "args": [{"index": 2, "type": "qword", "op": {"masked_eq": 3}, "val": 0}]}
             ]}
            """);
    ThreadFilter vcpu = set.filter(ThreadKind.VCPU);
    assertThat(vcpu.defaultAction()).isEqualTo(new SeccompAction(SeccompAction.Kind.ERRNO, 1));
    assertThat(vcpu.rules())
        .extracting(SyscallRule::name)
        .containsExactly("read", "ioctl", "openat");
    assertThat(vcpu.rules().get(1).conditions()).containsExactly(ArgCondition.dwordEq(1, 44672));
    assertThat(vcpu.rules().get(2).conditions().getFirst())
        .isEqualTo(new ArgCondition(2, ArgCondition.Width.QWORD, ArgCondition.Op.MASKED_EQ, 0, 3));
  }

  @Test
  void theDefaultsParseAndCompile() {
    FilterSet defaults = SeccompFilters.defaultSet();
    for (ThreadKind kind : ThreadKind.values()) {
      assertThat(BpfCompiler.compile(defaults.filter(kind)).length).isPositive();
    }
    assertThat(defaults.filter(ThreadKind.VCPU).rules())
        .extracting(SyscallRule::name)
        .contains("ioctl", "futex")
        .doesNotContain("execve", "socket", "connect");
  }

  @Test
  void mistakesNameTheFieldAndTheExpectation() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"default_action\": \"trap\", \"filter_action\": \"allow\","
                        + " \"filter\": [{\"syscall\": \"no_such_call\"}]}"))
        .hasMessage("vcpu.filter[0].syscall: \"no_such_call\" (expected: an x86_64 system call)");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"default_action\": \"deny\", \"filter_action\": \"allow\","
                        + " \"filter\": []}"))
        .hasMessageStartingWith("vcpu.default_action: \"deny\" (expected: allow, trap,");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\":"
                        + " [{\"syscall\": \"read\", \"args\": [{\"index\": 6, \"type\":"
                        + " \"dword\", \"op\": \"eq\", \"val\": 1}]}]}"))
        .hasMessage("vcpu.filter[0].args[0].index: 6 (expected: an integer 0..5)");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"default_action\": \"trap\", \"filter_action\": \"allow\", \"filter\":"
                        + " [{\"syscall\": \"read\", \"args\": [{\"index\": 0, \"type\":"
                        + " \"dword\", \"op\": \"eq\", \"val\": 4294967296}]}]}"))
        .hasMessage("vcpu.filter[0].args[0].val: 4294967296 (expected: a 32-bit value for dword)");
    assertThatThrownBy(() -> FilterJson.parse("{\"vmm\": {}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("vmm.filter: missing (expected: a value)");
    assertThatThrownBy(
            () -> FilterJson.parse(("{\"vmm\": " + EMPTY + "}").getBytes(StandardCharsets.UTF_8)))
        .hasMessage("filter \"api\": missing (expected: filters for vmm, api and vcpu)");
    assertThatThrownBy(() -> FilterJson.parse("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SeccompException.class)
        .hasMessageStartingWith("not a JSON document");
  }
}
