package dev.updraft.mesh.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.conformance.Conformance.Result;
import dev.updraft.sys.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The differential conformance suite: every case through HAProxy, nginx (when installed) and
 * updraft, each in front of a strict recording backend. Fails when updraft is unsafe on a case
 * HAProxy handles safely; always prints the table and writes it, with the bytes behind every unsafe
 * verdict, to {@code target/conformance/} (scripts/mesh/conformance-table copies the table into
 * docs/mesh/conformance.md).
 */
@EnabledIf(
    value = "haproxyInstalled",
    disabledReason = "needs HAProxy as the reference proxy: the Debian package haproxy")
class ConformanceIT {
  static boolean haproxyInstalled() {
    return Host.hasCommand("haproxy");
  }

  @Test
  void updraftIsSafeWhereverHaproxyIs() throws Exception {
    List<Case> cases = Cases.all();
    List<Function<List<ProxyUnderTest.Slot>, ProxyUnderTest>> proxies = new ArrayList<>();
    proxies.add(slots -> new ExternalProxy(new Haproxy(), slots));
    if (Host.hasCommand("nginx")) {
      proxies.add(slots -> new ExternalProxy(new Nginx(), slots));
    } else {
      System.out.println("conformance: nginx is not installed (Debian package nginx): no column");
    }
    proxies.add(UpdraftProxy::new);
    long start = System.nanoTime();
    Map<String, List<Result>> results = Conformance.run(cases, proxies);
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;

    String table = ConformanceTable.markdown(cases, results);
    String totals = ConformanceTable.totals(results);
    Path out = Path.of("target", "conformance");
    Files.createDirectories(out);
    Files.writeString(out.resolve("table.md"), totals + "\n\n" + table);
    Files.writeString(out.resolve("details.txt"), ConformanceTable.details(cases, results));
    System.out.println(table);
    System.out.println(
        "conformance: "
            + cases.size()
            + " cases in "
            + seconds
            + " s; "
            + totals
            + "; bytes of"
            + " every unsafe verdict in "
            + out.resolve("details.txt").toAbsolutePath());

    List<String> worse = ConformanceTable.lessSafeThanReference(results);
    assertThat(worse)
        .as("cases updraft handles less safely than HAProxy (see the table above)")
        .isEmpty();
  }
}
