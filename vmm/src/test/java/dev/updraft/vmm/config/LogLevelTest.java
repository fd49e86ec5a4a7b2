package dev.updraft.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogLevelTest {
  @Test
  void parsesCaseInsensitivelyWithWarnAsAnAlias() {
    assertThat(LogLevel.parse("level", "debug")).isEqualTo(LogLevel.DEBUG);
    assertThat(LogLevel.parse("level", "WARNING")).isEqualTo(LogLevel.WARNING);
    assertThat(LogLevel.parse("level", "Warn")).isEqualTo(LogLevel.WARNING);
    assertThat(LogLevel.parse("level", "off")).isEqualTo(LogLevel.OFF);
    assertThatThrownBy(() -> LogLevel.parse("level", "loud"))
        .hasMessage("level: \"loud\" (expected: one of Off, Error, Warning, Info, Debug, Trace)");
  }

  @Test
  void aLevelEnablesItselfAndMoreSevereMessages() {
    assertThat(LogLevel.INFO.enables(LogLevel.ERROR)).isTrue();
    assertThat(LogLevel.INFO.enables(LogLevel.INFO)).isTrue();
    assertThat(LogLevel.INFO.enables(LogLevel.DEBUG)).isFalse();
    assertThat(LogLevel.TRACE.enables(LogLevel.TRACE)).isTrue();
    assertThat(LogLevel.OFF.enables(LogLevel.ERROR)).isFalse();
    assertThat(LogLevel.TRACE.enables(LogLevel.OFF)).isFalse();
  }

  @Test
  void labelsAreFirecrackers() {
    assertThat(LogLevel.WARNING.label()).isEqualTo("WARN");
    assertThat(LogLevel.ERROR.label()).isEqualTo("ERROR");
  }
}
