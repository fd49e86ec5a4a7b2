package dev.updraft.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsolePortsTest {
  @Test
  void byDefaultTheDocumentedPortThenTheNextOnesThenAnyFreeOne() {
    ConsolePorts ports = ConsolePorts.of(null, 0);
    assertThat(ports.ports())
        .startsWith(9980, 9981)
        .hasSize(ConsolePorts.NEXT + 2)
        .contains(9980 + ConsolePorts.NEXT)
        .endsWith(0);
  }

  @Test
  void thePortOfTheLastRunComesFirstSoTheUrlStaysTheSame() {
    assertThat(ConsolePorts.of("", 9983).ports()).startsWith(9983, 9980, 9981, 9982, 9984);
    assertThat(ConsolePorts.of("0", 41234).ports()).containsExactly(41234, 0);
  }

  @Test
  void theVariableSetsThePortOrTurnsTheConsoleOff() {
    assertThat(ConsolePorts.of(" 7000 ", 0).ports()).startsWith(7000, 7001);
    assertThat(ConsolePorts.of("0", 0).ports()).containsExactly(0);
    assertThat(ConsolePorts.of("65535", 0).ports()).containsExactly(65535, 0);
    assertThat(ConsolePorts.of("OFF", 9980).off()).isTrue();
  }

  @Test
  void aBadValueIsNamed() {
    assertThatThrownBy(() -> ConsolePorts.of("99999", 0))
        .hasMessage("UPDRAFT_CONSOLE_PORT: '99999' (expected: a port 0..65535, or off)");
    assertThatThrownBy(() -> ConsolePorts.of("web", 0))
        .hasMessage("UPDRAFT_CONSOLE_PORT: 'web' (expected: a port 0..65535, or off)");
  }
}
