package dev.updraft.console.html;

import static dev.updraft.console.html.Html.badge;
import static dev.updraft.console.html.Html.e;
import static dev.updraft.console.html.Html.u;

import dev.updraft.console.model.Instance;
import dev.updraft.console.model.ServiceView;
import dev.updraft.console.signals.Point;
import dev.updraft.console.signals.Snapshot;
import dev.updraft.console.signals.Workings;
import java.util.List;
import java.util.Map;

/**
 * One service: its instances (health, restarts, uptime, version), its routes' golden signals as
 * charts, the mesh's workings for it, and a log tail with search. Without JavaScript the tail is
 * the last lines when the page was served; with it, new lines arrive over server-sent events.
 */
public final class ServicePage {
  private ServicePage() {}

  /**
   * @param signals each route of the service with its points
   * @param instance the instance whose log is shown
   * @param lines that log's last lines matching {@code search}
   * @param workings the mesh's endpoints and retry budgets for this service
   */
  public static String render(
      String environment,
      ServiceView service,
      Map<Snapshot.Route, List<Point>> signals,
      long now,
      long spanMillis,
      Instance instance,
      String search,
      List<String> lines,
      long logOffset,
      Workings workings) {
    StringBuilder body = new StringBuilder();
    body.append(
        "<p><a href=\"/env/%s\">← %s</a></p>\n<h1>Service %s</h1>\n<p>%s · version <code>%s</code>%s</p>\n"
            .formatted(
                u(environment),
                e(environment),
                e(service.name()),
                e(service.kind().word()),
                e(service.version()),
                service.port() == null ? "" : " · port " + service.port()));
    body.append(instances(service));
    body.append("<h2>Golden signals</h2>\n");
    if (signals.isEmpty()) {
      body.append("<p>No traffic through the mesh router for this service yet.</p>\n");
    }
    signals.forEach(
        (route, points) -> {
          String id =
              ("route-" + route.name() + "-to-" + route.target()).replaceAll("[^A-Za-z0-9_-]", "_");
          String name = route.name() + " → " + route.target();
          body.append("<section class=\"signals\" aria-label=\"Route %s\">\n".formatted(e(name)));
          body.append("<h3>Route <code>%s</code></h3>\n".formatted(e(name)));
          body.append(
              Charts.line(
                  id + "-success",
                  "Success rate",
                  "%",
                  points,
                  Point::successRate,
                  1.0,
                  now,
                  spanMillis));
          body.append(
              Charts.line(
                  id + "-rps",
                  "Requests per second",
                  "rps",
                  points,
                  Point::rps,
                  Double.NaN,
                  now,
                  spanMillis));
          body.append(
              Charts.line(
                  id + "-p50",
                  "Latency p50",
                  "ms",
                  points,
                  Point::p50,
                  Double.NaN,
                  now,
                  spanMillis));
          body.append(
              Charts.line(
                  id + "-p95",
                  "Latency p95",
                  "ms",
                  points,
                  Point::p95,
                  Double.NaN,
                  now,
                  spanMillis));
          body.append(
              Charts.line(
                  id + "-p99",
                  "Latency p99",
                  "ms",
                  points,
                  Point::p99,
                  Double.NaN,
                  now,
                  spanMillis));
          body.append("</section>\n");
        });
    body.append(WorkingsSection.render(workings));
    body.append(logs(environment, service, instance, search, lines, logOffset));
    return Html.page(service.name(), "environments", body.toString(), 0);
  }

  private static String instances(ServiceView service) {
    StringBuilder rows = new StringBuilder();
    for (Instance i : service.instances()) {
      rows.append(
          "<tr><th scope=\"row\"><code>%s</code></th><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n"
              .formatted(
                  e(i.id()),
                  badge(i.state().word()),
                  i.healthy() ? "healthy" : "unhealthy",
                  i.restarts(),
                  e(Html.duration(i.uptimeMillis())),
                  i.pid() == 0 ? "—" : String.valueOf(i.pid()),
                  i.port(),
                  e(i.ended() == null ? "" : "last: " + i.ended())));
    }
    return """
        <h2>Instances</h2>
        <table><thead><tr><th scope="col">Instance</th><th scope="col">State</th>\
        <th scope="col">Health</th><th scope="col">Restarts</th><th scope="col">Uptime</th>\
        <th scope="col">PID</th><th scope="col">Port</th><th scope="col">Notes</th></tr></thead>
        <tbody>
        %s</tbody></table>
        """
        .formatted(rows.isEmpty() ? "<tr><td colspan=\"8\">No instances.</td></tr>\n" : rows);
  }

  private static String logs(
      String environment,
      ServiceView service,
      Instance instance,
      String search,
      List<String> lines,
      long offset) {
    if (instance == null) {
      return "<h2>Logs</h2>\n<p>No instance to show logs of.</p>\n";
    }
    StringBuilder options = new StringBuilder();
    for (Instance i : service.instances()) {
      options.append(
          "<option value=\"%s\"%s>%s</option>"
              .formatted(e(i.id()), i.id().equals(instance.id()) ? " selected" : "", e(i.id())));
    }
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(e(l)).append('\n'));
    String stream =
        "/env/%s/service/%s/logs?instance=%s&q=%s&from=%d"
            .formatted(u(environment), u(service.name()), u(instance.id()), u(search), offset);
    return """
        <h2 id="logs-h">Logs</h2>
        <form method="get" class="search" role="search" aria-label="Search the log">
        <label for="instance">Instance</label> <select id="instance" name="instance">%s</select>
        <label for="q">Search</label> <input id="q" name="q" type="search" value="%s">
        <button type="submit">Show</button>
        </form>
        <pre id="log" class="log" tabindex="0" aria-labelledby="logs-h" aria-live="polite" \
        data-stream="%s">%s</pre>
        <script src="/assets/logs.js" defer></script>
        """
        .formatted(options, e(search), e(stream), text);
  }
}
