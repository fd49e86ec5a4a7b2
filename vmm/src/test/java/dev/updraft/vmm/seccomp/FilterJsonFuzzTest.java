package dev.updraft.vmm.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes as a {@code --seccomp-filter} document: they parse into filters that compile, or
 * fail with a {@link SeccompException} carrying a message; never another exception.
 */
class FilterJsonFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    try {
      FilterSet set = FilterJson.parse(data);
      for (ThreadKind kind : ThreadKind.values()) {
        assertThat(BpfCompiler.compile(set.filter(kind))).isNotEmpty();
      }
    } catch (SeccompException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
