package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestReportTest {
  @Test
  void parsesChecksInfoAndDoneWithCrLfLineEnds() {
    GuestReport report =
        GuestReport.parse(
            "info protocol=pvh\r\nok boot-magic\r\nready\r\ninfo e820=0x0-0x9fc00:1\r\ndone\r\n");

    assertThat(report.passed()).containsExactly("boot-magic");
    assertThat(report.failed()).isEmpty();
    assertThat(report.info())
        .containsExactly(Map.entry("protocol", "pvh"), Map.entry("e820", "0x0-0x9fc00:1"));
    assertThat(report.lines()).contains("ready").hasSize(5);
    assertThat(report.done()).isTrue();
    assertThat(report.succeeded()).isTrue();
  }

  @Test
  void failuresKeepTheirDetailAndRepeatsAreJoined() {
    GuestReport report =
        GuestReport.parse(
            "fail blk-read: sector 0\nfail blk-read: status 1 (expected: 0)\nfail odd\ndone\n");

    assertThat(report.failed())
        .containsEntry("blk-read", "sector 0; status 1 (expected: 0)")
        .containsEntry("odd", "");
    assertThat(report.succeeded()).isFalse();
  }

  @Test
  void withoutDoneTheGuestDidNotFinish() {
    GuestReport report = GuestReport.parse("ok start\ntick 1 count=5");

    assertThat(report.done()).isFalse();
    assertThat(report.succeeded()).isFalse();
    assertThat(report.lines()).containsExactly("ok start", "tick 1 count=5");
    assertThatThrownBy(() -> report.requirePassed("start"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("'done'");
  }

  @Test
  void infoValuesMayContainEqualsSignsAndTheLastValueWins() {
    GuestReport report =
        GuestReport.parse("info cmdline=a=1 b=2\ninfo tsc_khz=1\ninfo tsc_khz=2\ninfo =x\n");

    assertThat(report.info("cmdline")).hasValue("a=1 b=2");
    assertThat(report.info("tsc_khz")).hasValue("2");
    assertThat(report.info("")).isEmpty();
    assertThat(report.info("missing")).isEmpty();
  }

  @Test
  void malformedProtocolLinesAreOnlyLines() {
    GuestReport report = GuestReport.parse("ok\nfail\ninfo\ninfo novalue\nokay\ndone");

    assertThat(report.passed()).isEmpty();
    assertThat(report.failed()).isEmpty();
    assertThat(report.info()).isEmpty();
    assertThat(report.lines()).hasSize(6);
  }

  @Test
  void requirePassedNamesTheMissingCheckAndShowsTheTranscript() {
    GuestReport report = GuestReport.parse("ok rng-read\ndone\n");

    assertThat(report.requirePassed("rng-read")).isSameAs(report);
    assertThatThrownBy(() -> report.requirePassed("rng-nonzero"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("rng-nonzero")
        .hasMessageContaining("ok rng-read");
    assertThatThrownBy(() -> GuestReport.parse("fail x: y\ndone").requirePassed())
        .hasMessageContaining("fail x: y");
  }

  @Test
  void requireReturnsAReportedValueOrFails() {
    GuestReport report = GuestReport.parse("info recv=hello\n");

    assertThat(report.require("recv")).isEqualTo("hello");
    assertThatThrownBy(() -> report.require("send")).isInstanceOf(AssertionError.class);
  }

  @Test
  void vmmLogRecordsWrittenIntoAGuestLineAreCutOut() {
    // As captured in CI: the VMM logged while the guest was half-way through "ready".
    String console =
        "info tsc_khz=2445430 (kvmc2026-12-07T14:33:08.501650717 [anonymous-instance:fc_api] The"
            + " API server received a Put request on \"/boot-source\".\nlock)\nread"
            + "2026-12-07T14:33:08.504844444 [anonymous-instance:fc_api] Received Error. Status"
            + " code: 400 Bad Request.\ny\nok ctrl-alt-del\ndone\n"
            + "2026-12-07T14:33:38.531562403 [anonymous-instance:fc_api] Vmm is stopping\n";

    assertThat(GuestReport.withoutVmmLog(console)).contains("\nready\n");
    GuestReport report = GuestReport.parse(console);
    assertThat(report.lines())
        .containsExactly("info tsc_khz=2445430 (kvmclock)", "ready", "ok ctrl-alt-del", "done");
    assertThat(report.info()).containsEntry("tsc_khz", "2445430 (kvmclock)");
  }
}
