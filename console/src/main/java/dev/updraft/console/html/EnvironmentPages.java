package dev.updraft.console.html;

import static dev.updraft.console.html.Html.badge;
import static dev.updraft.console.html.Html.e;
import static dev.updraft.console.html.Html.u;

import dev.updraft.console.model.Actions;
import dev.updraft.console.model.Change;
import dev.updraft.console.model.Environment;
import dev.updraft.console.model.Release;
import dev.updraft.console.model.ServiceView;
import dev.updraft.console.model.Step;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import java.util.List;

/** The environments list, and one environment: its releases, their diffs and timelines. */
public final class EnvironmentPages {
  private EnvironmentPages() {}

  public static String list(List<Environment> environments) {
    StringBuilder rows = new StringBuilder();
    for (Environment env : environments) {
      rows.append(
          """
          <tr><th scope="row"><a href="/env/%s">%s</a>%s</th><td>%s</td><td>%s</td>\
          <td>%s</td><td>%d</td><td>%d</td></tr>
          """
              .formatted(
                  u(env.name()),
                  e(env.name()),
                  previewOf(env),
                  e(env.target()),
                  badge(env.state()),
                  e(env.supervisor()),
                  env.releases().size(),
                  env.services().size()));
    }
    String body =
        """
        <h1>Environments</h1>
        <table>
        <caption>Every environment the console was started with, and their previews</caption>
        <thead><tr><th scope="col">Environment</th><th scope="col">Target</th>\
        <th scope="col">State</th><th scope="col">Supervisor</th>\
        <th scope="col">Releases</th><th scope="col">Services</th></tr></thead>
        <tbody>
        %s</tbody>
        </table>
        """
            .formatted(rows);
    boolean busy = environments.stream().anyMatch(Environment::inProgress);
    return Html.page("Environments", "environments", body, busy ? 2 : 0);
  }

  private static String previewOf(Environment env) {
    return env.previewOf() == null
        ? ""
        : " <span class=\"preview\">preview of %s</span>".formatted(e(env.previewOf()));
  }

  public static String environment(Environment env, Actions.Outcome action, String csrf) {
    StringBuilder body = new StringBuilder();
    body.append(
        "<h1>Environment %s%s %s</h1>\n"
            .formatted(e(env.name()), previewOf(env), badge(env.state())));
    body.append(
        "<p>Target <strong>%s</strong> · supervisor %s · spec <code>%s</code></p>\n"
            .formatted(e(env.target()), e(env.supervisor()), e(env.specFile())));
    if (action != null) {
      body.append(
          "<p role=\"status\" id=\"action\">%s: %s %s</p>\n"
              .formatted(e(action.action()), badge(action.state().word()), e(action.message())));
    }
    body.append(rollback(env, csrf));
    body.append(services(env));
    body.append("<h2>Releases</h2>\n");
    if (env.releases().isEmpty()) {
      body.append("<p>No releases yet.</p>\n");
    }
    boolean first = true;
    for (Release r : env.releases()) {
      body.append(release(r, first));
      first = false;
    }
    boolean busy = env.inProgress() || (action != null && action.state() == Actions.State.RUNNING);
    return Html.page(env.name(), "environments", body.toString(), busy ? 1 : 0);
  }

  private static String rollback(Environment env, String csrf) {
    Release target = null;
    boolean newest = true;
    for (Release r : env.releases()) {
      if (!newest && r.status() == ReleaseStatus.SUCCEEDED && r.kind() != ReleaseKind.DESTROY) {
        target = r;
        break;
      }
      newest = false;
    }
    if (target == null) {
      return "<p>No earlier good release to roll back to.</p>\n";
    }
    return "<section aria-labelledby=\"rollback-h\"><h2 id=\"rollback-h\">Rollback</h2>\n"
        + "<p>Runs <code>updraft deploy rollback %d</code>: the same engine, journal and events.</p>\n"
            .formatted(target.number())
        + Html.button(
            "/env/" + u(env.name()) + "/rollback",
            "Roll back to release " + target.number(),
            csrf,
            "release",
            String.valueOf(target.number()))
        + "</section>\n";
  }

  private static String services(Environment env) {
    if (env.services().isEmpty()) {
      return "";
    }
    StringBuilder rows = new StringBuilder();
    for (ServiceView s : env.services()) {
      long healthy = s.instances().stream().filter(i -> i.healthy()).count();
      rows.append(
          "<tr><th scope=\"row\"><a href=\"/env/%s/service/%s\">%s</a></th><td>%s</td><td><code>%s</code></td><td>%d / %d</td></tr>\n"
              .formatted(
                  u(env.name()),
                  u(s.name()),
                  e(s.name()),
                  e(s.kind().word()),
                  e(s.version()),
                  healthy,
                  s.instances().size()));
    }
    return """
        <h2>Services</h2>
        <table><thead><tr><th scope="col">Service</th><th scope="col">Kind</th>\
        <th scope="col">Version</th><th scope="col">Running instances</th></tr></thead>
        <tbody>
        %s</tbody></table>
        """
        .formatted(rows);
  }

  static String release(Release r, boolean open) {
    StringBuilder diff = new StringBuilder();
    for (Change c : r.diff()) {
      diff.append(
          "<li class=\"%s\"><strong>%s</strong> %s %s</li>\n"
              .formatted(
                  c.kind().name().toLowerCase(java.util.Locale.ROOT),
                  e(c.service()),
                  switch (c.kind()) {
                    case ADDED -> "added";
                    case CHANGED -> "changed";
                    case REMOVED -> "removed";
                  },
                  switch (c.kind()) {
                    case ADDED -> "at <code>" + e(c.to()) + "</code>";
                    case CHANGED ->
                        "<code>" + e(c.from()) + "</code> → <code>" + e(c.to()) + "</code>";
                    case REMOVED -> "(was <code>" + e(c.from()) + "</code>)";
                  }));
    }
    long longest =
        Math.max(
            1,
            r.steps().stream().filter(s -> !s.progress()).mapToLong(Step::millis).max().orElse(1));
    StringBuilder steps = new StringBuilder();
    for (Step s : r.steps()) {
      if (s.progress()) {
        steps.append(
            "<li class=\"step progress\"><span class=\"what\">%s <strong>%s</strong></span>"
                    .formatted(e(s.action()), e(s.service()))
                + " <span class=\"took\">at +%s</span> <span class=\"detail\">%s</span></li>\n"
                    .formatted(e(Html.duration(s.millis())), e(s.detail())));
        continue;
      }
      long width = s.millis() <= 0 ? 1 : Math.max(1, 100 * s.millis() / longest);
      steps.append(
          """
          <li class="step %s"><span class="what">%s <strong>%s</strong></span> %s \
          <span class="took">%s</span><span class="bar" style="width:%d%%" aria-hidden="true">\
          </span>%s</li>
          """
              .formatted(
                  e(s.word()),
                  e(s.action()),
                  e(s.service()),
                  badge(s.word()),
                  e(Html.duration(s.millis())),
                  width,
                  s.detail() == null || s.detail().isBlank()
                      ? ""
                      : " <span class=\"detail\">" + e(s.detail()) + "</span>"));
    }
    return """
        <details class="release" id="release-%d"%s>
        <summary>Release %d · %s · %s · started by %s · <time>%s</time></summary>
        %s
        <h3>Plan diff</h3>
        %s
        <h3>Timeline</h3>
        <ol class="timeline" aria-label="Steps of release %d">
        %s</ol>
        </details>
        """
        .formatted(
            r.number(),
            open ? " open" : "",
            r.number(),
            e(r.kind().word()),
            badge(r.status().word()),
            e(r.startedBy()),
            e(r.time()),
            r.message().isBlank() ? "" : "<p>" + e(r.message()) + "</p>",
            diff.isEmpty()
                ? "<p>No version changes.</p>"
                : "<ul class=\"diff\">\n" + diff + "</ul>",
            r.number(),
            steps.isEmpty() ? "<li>No steps yet.</li>\n" : steps);
  }
}
