package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOutputsTest {
  static final Service.Job JOB =
      new Service.Job(
          "migrate",
          new Service.Process(
              ".", null, "sh migrate.sh", Map.of(), Map.of(), "debian:bookworm-slim"),
          Service.When.START,
          null,
          null,
          Duration.ofMinutes(1),
          List.of("SEEDED_AT", "URL"),
          null,
          List.of());

  @Test
  void outputsAreNameValueLines() {
    assertThat(JobOutputs.parse("SEEDED_AT=2026-12-01\nnoise\nURL=a=b  \n=x\n"))
        .containsExactly(Map.entry("SEEDED_AT", "2026-12-01"), Map.entry("URL", "a=b"));
    assertThat(JobOutputs.parse(null)).isEmpty();
  }

  @Test
  void everyDeclaredOutputBecomesAnAttributeOrTheFailureNamesIt() {
    assertThat(
            JobOutputs.attributes(JOB, Map.of("SEEDED_AT", "now", "URL", "u", "X", "y"), "", null))
        .containsExactly(Map.entry("outputs.SEEDED_AT", "now"), Map.entry("outputs.URL", "u"));
    assertThatThrownBy(
            () -> JobOutputs.attributes(JOB, Map.of("SEEDED_AT", "now"), "$UPDRAFT_OUTPUT", "tail"))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo("migrate: the job did not write output URL");
              assertThat(e.hint()).isEqualTo("write NAME=value lines to $UPDRAFT_OUTPUT");
              assertThat(e.logTail()).isEqualTo("tail");
            });
  }
}
