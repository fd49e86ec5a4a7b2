package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import org.junit.jupiter.api.Test;

class CronRunsTest {
  private static Job job(String type, String status, String reason, String message) {
    return new JobBuilder()
        .withNewStatus()
        .withConditions(
            new JobConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .build())
        .endStatus()
        .build();
  }

  @Test
  void aJobEndsWhenAConditionSaysTrue() {
    assertThat(CronRuns.outcome(new JobBuilder().build())).as("no status yet").isNull();
    assertThat(CronRuns.outcome(job("Complete", "False", null, null))).isNull();
    assertThat(CronRuns.outcome(job("Complete", "True", null, null)))
        .isEqualTo(new CronRuns.Ended(true, "succeeded"));
    assertThat(
            CronRuns.outcome(
                job("Failed", "True", "BackoffLimitExceeded", "Job has reached the backoff")))
        .isEqualTo(
            new CronRuns.Ended(false, "failed: BackoffLimitExceeded: Job has reached the backoff"));
    assertThat(CronRuns.outcome(job("Failed", "True", "DeadlineExceeded", null)))
        .isEqualTo(new CronRuns.Ended(false, "failed: DeadlineExceeded"));
  }
}
