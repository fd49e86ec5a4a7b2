package dev.updraft.console.html;

import static dev.updraft.console.html.Html.badge;
import static dev.updraft.console.html.Html.e;

import dev.updraft.console.signals.Workings;
import java.util.Locale;

/**
 * The mesh's workings for one service: its endpoints as the router's balancer sees them (ready, in
 * flight, breaker, EWMA latency) and the routes to it with their retry budgets.
 */
final class WorkingsSection {
  private WorkingsSection() {}

  static String render(Workings workings) {
    if (workings.backends().isEmpty() && workings.routes().isEmpty()) {
      return "<h2>Mesh workings</h2>\n<p>The router reports no endpoints for this service.</p>\n";
    }
    StringBuilder endpoints = new StringBuilder();
    for (Workings.Backend b : workings.backends()) {
      for (Workings.Endpoint p : b.endpoints()) {
        endpoints.append(
            "<tr><th scope=\"row\"><code>%s</code></th><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>\n"
                .formatted(
                    e(p.address()),
                    p.ready() ? "ready" : "pending",
                    p.inFlight(),
                    badge(p.breaker()),
                    e(String.format(Locale.ROOT, "%.2f ms", p.ewmaMillis()))));
      }
    }
    StringBuilder routes = new StringBuilder();
    for (Workings.Route r : workings.routes()) {
      routes.append(
          "<tr><th scope=\"row\"><code>%s</code></th><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n"
              .formatted(
                  e(r.name()),
                  e(r.listener()),
                  r.retryLimit() == 0 ? "no retries" : "up to " + r.retryLimit(),
                  r.retryLimit() == 0 ? "—" : r.retryBudget() + " retries left"));
    }
    return """
        <h2>Mesh workings</h2>
        <table id="endpoints"><caption>Endpoints, as the router's balancer sees them</caption>
        <thead><tr><th scope="col">Endpoint</th><th scope="col">State</th>\
        <th scope="col">In flight</th><th scope="col">Breaker</th>\
        <th scope="col">EWMA latency</th></tr></thead>
        <tbody>
        %s</tbody></table>
        <table id="retries"><caption>Routes to it and their retry budgets</caption>
        <thead><tr><th scope="col">Route</th><th scope="col">Listener</th>\
        <th scope="col">Retries</th><th scope="col">Budget</th></tr></thead>
        <tbody>
        %s</tbody></table>
        """
        .formatted(
            endpoints.isEmpty() ? "<tr><td colspan=\"5\">No endpoints.</td></tr>\n" : endpoints,
            routes.isEmpty() ? "<tr><td colspan=\"4\">No routes.</td></tr>\n" : routes);
  }
}
