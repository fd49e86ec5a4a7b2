package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusReportTest {
  @Test
  void anInstanceLineSaysHowItRunsHowHealthyItIsAndWhatItRuns() {
    StatusReport.InstanceReport i =
        new StatusReport.InstanceReport(
            "app-v1-1",
            4001,
            "running",
            true,
            4242,
            "unhealthy: ejected by the router: it failed or timed out too often in a row",
            3725L,
            2,
            "exit 137, killed: out of memory (limit 64Mi)",
            "v1",
            3);
    assertThat(i.describe())
        .isEqualTo(
            "running, pid 4242, up 1h02m, 2 restarts (last: exit 137, killed: out of memory"
                + " (limit 64Mi)), unhealthy: ejected by the router: it failed or timed out too"
                + " often in a row, version v1 (release 3)");
    StatusReport.InstanceReport down =
        new StatusReport.InstanceReport(
            "app-v1-2", 4002, "not running", false, 0, null, null, 0, null, "v1", null);
    assertThat(down.describe()).isEqualTo("not running, version v1");
  }

  @Test
  void aCronJobLineSaysItsScheduleRunsAndLastOutcome() {
    StatusReport.CronReport job =
        new StatusReport.CronReport(
            "report-v1", "@daily", true, "UTC", "2026-12-08T00:00Z", 2, 0, "succeeded");
    assertThat(job.describe())
        .isEqualTo("'@daily' UTC, next 2026-12-08T00:00Z, 2 run(s), last: succeeded");
    StatusReport.CronReport unsupervised =
        new StatusReport.CronReport("report-v1", "@daily", true, null, null, 3, 77, null);
    assertThat(unsupervised.describe()).isEqualTo("'@daily', 3 run(s), running (pid 77)");
    StatusReport.CronReport missing =
        new StatusReport.CronReport("report-v1", "@daily", false, null, null, 0, 0, null);
    assertThat(missing.describe()).isEqualTo("'@daily', not scheduled (apply repairs it)");
  }

  @Test
  void uptimeIsShortAndReadable() {
    assertThat(StatusReport.uptime(45)).isEqualTo("45s");
    assertThat(StatusReport.uptime(192)).isEqualTo("3m12s");
    assertThat(StatusReport.uptime(7_500)).isEqualTo("2h05m");
    assertThat(StatusReport.uptime(273_600)).isEqualTo("3d04h");
  }

  @Test
  void aStoppedSupervisorIsAWarningOnlyWhileSomethingIsDeployed() {
    assertThat(Observation.Supervision.DOWN.describe(true))
        .startsWith("supervisor not running and no watchdog: routes are down");
    assertThat(Observation.Supervision.DOWN.describe(false))
        .isEqualTo("supervisor not running: nothing is deployed");
    assertThat(Observation.Supervision.RUNNING.describe(false)).isEqualTo("supervisor running");
  }
}
