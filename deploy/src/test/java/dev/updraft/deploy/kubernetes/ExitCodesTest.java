package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void exitCodesReadAsWords() {
    assertThat(ExitCodes.describe(0)).isEqualTo("exited normally (0)");
    assertThat(ExitCodes.describe(137)).contains("SIGKILL").contains("memory");
    assertThat(ExitCodes.describe(127)).isEqualTo("the command was not found (127)");
    assertThat(ExitCodes.describe(3)).isEqualTo("failed with exit code 3");
    assertThat(ExitCodes.describe(134)).isEqualTo("killed by signal 6 (134)");
    assertThat(ExitCodes.describe(null)).isEqualTo("exited");
  }
}
