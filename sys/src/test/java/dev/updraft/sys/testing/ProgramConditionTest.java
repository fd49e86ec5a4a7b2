package dev.updraft.sys.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class ProgramConditionTest {
  @NeedsProgram(value = "sh", debian = "dash")
  @NeedsProgram(value = "updraft-no-such-program", debian = "updraft-no-such-package")
  @NeedsProgram(value = "updraft-nor-this-one", debian = "updraft-no-such-package")
  private static final class Missing {}

  @NeedsProgram(value = "sh", debian = "dash")
  private static final class Present {}

  @Test
  void aMissingProgramSkipsWithItsNameAndPackage() {
    ConditionEvaluationResult result =
        ProgramCondition.evaluate(ProgramCondition.programs(Missing.class));
    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValue(
            "needs updraft-no-such-program, updraft-nor-this-one on the PATH:"
                + " apt-get install updraft-no-such-package");
  }

  @Test
  void programsOnThePathRun() {
    assertThat(ProgramCondition.evaluate(ProgramCondition.programs(Present.class)).isDisabled())
        .isFalse();
  }
}
