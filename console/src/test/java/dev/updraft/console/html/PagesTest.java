package dev.updraft.console.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.console.model.Change;
import dev.updraft.console.model.Environment;
import dev.updraft.console.model.Instance;
import dev.updraft.console.model.Release;
import dev.updraft.console.model.ServiceView;
import dev.updraft.console.model.Step;
import dev.updraft.console.signals.Point;
import dev.updraft.console.signals.Snapshot;
import dev.updraft.console.signals.Workings;
import dev.updraft.console.vm.VmState;
import dev.updraft.console.vm.VmView;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.local.ProcessState;
import dev.updraft.deploy.spec.ServiceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {
  private static final String XSS = "<script>alert(1)</script>";

  @Test
  void everyValueIsEscapedAndActionsCarryTheCsrfToken() {
    Release newest =
        new Release(
            2,
            ReleaseKind.APPLY,
            ReleaseStatus.FAILED,
            "web: " + XSS,
            "t",
            "console (\"x\")",
            List.of(new Change("web", Change.Kind.CHANGED, "a1", "a2")),
            List.of(new Step("web", "create", StepOutcome.FAILED, false, XSS, "t", 1500)));
    Release good =
        new Release(
            1,
            ReleaseKind.APPLY,
            ReleaseStatus.SUCCEEDED,
            "",
            "t",
            "ana (cli)",
            List.of(),
            List.of());
    Environment env =
        new Environment(
            "shop",
            "local",
            Path.of("/s/updraft.yaml"),
            null,
            "running",
            0,
            List.of(newest, good),
            List.of());

    String html = EnvironmentPages.environment(env, null, "csrf-123");

    assertThat(html).doesNotContain(XSS).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).contains("console (&quot;x&quot;)");
    assertThat(html)
        .contains("action=\"/env/shop/rollback\"")
        .contains("name=\"csrf\" value=\"csrf-123\"")
        .contains("Roll back to release 1")
        .contains("<code>a1</code> → <code>a2</code>")
        .contains("1.5 s");
  }

  @Test
  void aPreviewIsMarkedWithItsSource() {
    Environment source =
        new Environment(
            "shop", "local", Path.of("/s/updraft.yaml"), null, "running", 0, List.of(), List.of());
    Environment preview =
        new Environment(
            "pr-" + XSS,
            "local",
            Path.of("/s/updraft.yaml"),
            "shop",
            "running",
            0,
            List.of(),
            List.of());

    String list = EnvironmentPages.list(List.of(source, preview));
    assertThat(list).containsOnlyOnce("preview of shop").doesNotContain(XSS);
    assertThat(EnvironmentPages.environment(preview, null, "c"))
        .contains("<span class=\"preview\">preview of shop</span>");
    assertThat(EnvironmentPages.environment(source, null, "c")).doesNotContain("preview of");
  }

  @Test
  void theServicePageChartsEachRouteAndLinksTheLiveTail() {
    ServiceView web =
        new ServiceView(
            "web",
            ServiceKind.APPLICATION,
            "v1",
            8080,
            List.of(
                new Instance(
                    "web-1", ProcessState.RUNNING, 42, 4000, 1, 65_000, null, "/l/web-1.log")));
    long now = 1_000_000;
    List<Point> points =
        List.of(new Point(now - 10_000, 5, 1.0, 2, 4, 8), new Point(now, 5, 0.25, 2, 4, 8));
    String html =
        ServicePage.render(
            "shop",
            web,
            Map.of(new Snapshot.Route("front-", "web"), points),
            now,
            900_000,
            web.instances().getFirst(),
            "a&b",
            List.of("line <1>"),
            123,
            Workings.parse(WORKINGS).concerning("web"));
    assertThat(html)
        .contains("data-latest=\"25.0%\"")
        .contains("aria-label=\"Success rate, last 15 minutes; latest: 25.0%\"")
        .contains("1 min 5 s")
        .contains("line &lt;1&gt;")
        .contains(
            "data-stream=\"/env/shop/service/web/logs?instance=web-1&amp;q=a%26b&amp;from=123\"")
        .contains("<label for=\"q\">Search</label>");
    assertThat(html)
        .contains(
            "<tr><th scope=\"row\"><code>127.0.0.1:4000</code></th><td>ready</td><td>2</td>"
                + "<td><span class=\"badge good\">closed</span></td><td>1.50 ms</td></tr>")
        .contains("<code>front-</code></th><td><code>router-front</code></td><td>up to 2</td>")
        .contains("<td>7 retries left</td>")
        .doesNotContain("other-");
  }

  // As the mesh admin's /workings reports it (see mesh's AdminAndReloadIT).
  private static final String WORKINGS =
      """
      {"backends": [
        {"name": "web", "queue": 0, "endpoints": [{"address": "127.0.0.1:4000", "ready": true,
          "inFlight": 2, "breaker": "closed", "ewmaMillis": 1.5}]},
        {"name": "other", "queue": 0, "endpoints": [{"address": "127.0.0.1:4009", "ready": true,
          "inFlight": 0, "breaker": "open", "ewmaMillis": 3}]}],
       "routes": [
        {"listener": "router-front", "name": "front-", "backends": ["web"], "retryLimit": 2,
         "retryBudget": 7},
        {"listener": "router-front", "name": "other-", "backends": ["other"], "retryLimit": 0,
         "retryBudget": 0}]}
      """;

  @Test
  void workingsThatAreNotJsonAreNamed() {
    assertThatThrownBy(() -> Workings.parse("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workings: ")
        .hasMessageEndingWith("(expected: the mesh admin's /workings JSON)");
  }

  @Test
  void aRunningVmCanBePausedAndAPausedOneResumedOrSnapshotted() {
    List<VmView> vms =
        List.of(
            new VmView(
                Path.of("/run/a.sock"),
                "a",
                VmState.RUNNING,
                2,
                256,
                "1.10",
                null,
                Duration.ofMillis(1500),
                Map.of("uart", Map.of("write_count", 6L), "block_rootfs", Map.of()),
                null),
            new VmView(
                Path.of("/run/b.sock"),
                "b",
                VmState.PAUSED,
                1,
                128,
                "1.10",
                null,
                null,
                Map.of(),
                null),
            new VmView(
                Path.of("/run/c.sock"),
                "",
                VmState.UNREACHABLE,
                0,
                0,
                "",
                "refused",
                null,
                Map.of(),
                null));
    String html = VmPage.render(vms, null, "t");
    assertThat(html)
        .contains("action=\"/vms/0/pause\"")
        .contains("action=\"/vms/1/resume\"")
        .contains("action=\"/vms/1/snapshot\"")
        .doesNotContain("/vms/0/resume")
        .doesNotContain("/vms/2/")
        .contains("refused")
        .contains("<td class=\"boot\">1.5 s</td>")
        .contains("<td class=\"devices\"><code>uart</code> write_count=6</td>")
        .contains("name=\"socket\" value=\"/run/a.sock\"")
        .doesNotContain("class=\"host\"");
  }

  @Test
  void aVmOfAServeProcessNamesItsHost() {
    VmView vm =
        new VmView(
            Path.of("/run/serve/a.sock"),
            "a",
            VmState.RUNNING,
            1,
            32,
            "1.10",
            null,
            null,
            Map.of(),
            Path.of("/run/serve/management.socket"));
    assertThat(VmPage.render(List.of(vm), null, "t"))
        .contains("<small class=\"host\">in <code>/run/serve/management.socket</code></small>")
        .contains("name=\"socket\" value=\"/run/serve/a.sock\"");
  }
}
