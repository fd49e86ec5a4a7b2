package dev.updraft.console.vm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VmStateTest {
  @Test
  void firecrackersThreeWordsAreKnownAndNothingElseIs() {
    assertThat(VmState.ofApi("Not started")).isEqualTo(VmState.NOT_STARTED);
    assertThat(VmState.ofApi("Running")).isEqualTo(VmState.RUNNING);
    assertThat(VmState.ofApi("Paused")).isEqualTo(VmState.PAUSED);
    // The console's own words are not the API's: a VMM that said them would be saying something
    // else.
    assertThat(VmState.ofApi("Ended")).isEqualTo(VmState.UNKNOWN);
    assertThat(VmState.ofApi("unreachable")).isEqualTo(VmState.UNKNOWN);
    assertThat(VmState.ofApi("running")).isEqualTo(VmState.UNKNOWN);
    assertThat(VmState.ofApi("")).isEqualTo(VmState.UNKNOWN);
  }

  @Test
  void thePageShowsFirecrackersWord() {
    assertThat(VmState.NOT_STARTED.word()).isEqualTo("Not started");
    assertThat(VmState.UNREACHABLE.word()).isEqualTo("unreachable");
  }
}
