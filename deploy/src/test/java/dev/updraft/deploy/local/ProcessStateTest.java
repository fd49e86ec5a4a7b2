package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A process's state is a type inside and the phrase earlier builds wrote on the wire. */
class ProcessStateTest {
  @Test
  void everyPhraseEarlierBuildsWroteReadsAsItsStateAndWritesBackTheSame() {
    assertThat(ProcessState.parse("starting")).isEqualTo(ProcessState.STARTING);
    assertThat(ProcessState.parse("running")).isEqualTo(ProcessState.RUNNING);
    assertThat(ProcessState.parse("stopped")).isEqualTo(ProcessState.STOPPED);
    assertThat(ProcessState.parse("running (unsupervised)")).isEqualTo(ProcessState.UNSUPERVISED);
    assertThat(ProcessState.parse("not running")).isEqualTo(ProcessState.NOT_RUNNING);
    assertThat(ProcessState.parse("exited (its supervisor has not noticed yet)"))
        .isEqualTo(ProcessState.EXITED);
    assertThat(ProcessState.parse("failed: Cannot run program \"x\": error=2"))
        .isEqualTo(ProcessState.failed("Cannot run program \"x\": error=2"));
    ProcessState crashed =
        ProcessState.parse("crashed (exit 137, killed: out of memory (limit 64Mi)), restarting");
    assertThat(crashed)
        .isEqualTo(ProcessState.crashed("exit 137, killed: out of memory (limit 64Mi)"));
    assertThat(crashed.word())
        .isEqualTo("crashed (exit 137, killed: out of memory (limit 64Mi)), restarting");
    assertThat(ProcessState.parse(null)).isNull();
  }

  @Test
  void aPhraseOfAnotherBuildIsKeptAsItCameAndDoesNotRun() {
    ProcessState other = ProcessState.parse("paused (by the operator)");
    assertThat(other.phase()).isEqualTo(ProcessState.Phase.UNKNOWN);
    assertThat(other.word()).isEqualTo("paused (by the operator)");
    assertThat(other.runs()).isFalse();
    assertThat(ProcessState.parse("crashed ("))
        .extracting(ProcessState::phase)
        .isEqualTo(ProcessState.Phase.UNKNOWN);
  }

  @Test
  void onlyRunningProcessesRunAndDetailsGoWithTheirPhases() {
    assertThat(ProcessState.RUNNING.runs()).isTrue();
    assertThat(ProcessState.UNSUPERVISED.runs()).isTrue();
    assertThat(ProcessState.EXITED.runs()).isFalse();
    assertThat(ProcessState.crashed("exit 1").runs()).isFalse();
    assertThatThrownBy(() -> new ProcessState(ProcessState.Phase.RUNNING, "x"))
        .hasMessage("detail: x (expected: none for RUNNING)");
    assertThatThrownBy(() -> new ProcessState(ProcessState.Phase.FAILED, null))
        .hasMessage("detail: null (expected: a detail for FAILED)");
  }
}
