package dev.updraft.console;

import dev.updraft.console.html.EnvironmentPages;
import dev.updraft.console.html.ServicePage;
import dev.updraft.console.html.VmPage;
import dev.updraft.console.model.Actions;
import dev.updraft.console.model.Environment;
import dev.updraft.console.model.Environments;
import dev.updraft.console.model.Instance;
import dev.updraft.console.model.LogTail;
import dev.updraft.console.model.ServiceView;
import dev.updraft.console.model.Source;
import dev.updraft.console.signals.Point;
import dev.updraft.console.signals.Sampler;
import dev.updraft.console.signals.Snapshot;
import dev.updraft.console.signals.Workings;
import dev.updraft.console.vm.VmException;
import dev.updraft.console.vm.Vms;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The console's pages and actions by method and path. Reads happen afresh per request; actions are
 * POSTs that answer with a redirect to the page that shows their effect (post/redirect/get).
 */
final class Routes {
  private final Environments environments;
  private final Actions actions;
  private final Vms vms;
  private final Function<String, Sampler> samplers;
  private final String csrf;

  Routes(
      Environments environments,
      Actions actions,
      Vms vms,
      Function<String, Sampler> samplers,
      String csrf) {
    this.environments = environments;
    this.actions = actions;
    this.vms = vms;
    this.samplers = samplers;
    this.csrf = csrf;
  }

  Reply get(QueryStringDecoder query) {
    List<String> p = segments(query.path());
    if (p.isEmpty()) {
      return new Reply.Page(200, EnvironmentPages.list(environments.all()));
    }
    return switch (p.getFirst()) {
      case "assets" -> p.size() == 2 ? asset(p.get(1)) : notFound(query.path());
      case "healthz" -> new Reply.Text(200, "ok\n");
      case "vms" ->
          p.size() == 1
              ? new Reply.Page(200, VmPage.render(vms.all(), param(query, "m"), csrf))
              : notFound(query.path());
      case "env" -> environmentGet(p, query);
      default -> notFound(query.path());
    };
  }

  private Reply environmentGet(List<String> p, QueryStringDecoder query) {
    Optional<Environment> env = p.size() >= 2 ? environments.named(p.get(1)) : Optional.empty();
    if (env.isEmpty()) {
      return notFound(query.path());
    }
    if (p.size() == 2) {
      return new Reply.Page(
          200, EnvironmentPages.environment(env.get(), actions.last(env.get().name()), csrf));
    }
    if (p.size() >= 4 && p.get(2).equals("service")) {
      ServiceView service = env.get().service(p.get(3));
      if (service == null) {
        return notFound(query.path());
      }
      String search = param(query, "q");
      Instance instance = service.instance(param(query, "instance"));
      if (instance == null && !service.instances().isEmpty()) {
        instance = service.instances().getFirst();
      }
      LogTail tail =
          instance == null || instance.log() == null
              ? null
              : new LogTail(
                  Path.of(instance.log()), environments.redactor(env.get().name()), search);
      if (p.size() == 5 && p.get(4).equals("logs")) {
        if (tail == null) {
          return notFound(query.path());
        }
        long from = parseLong(param(query, "from"));
        return new Reply.Stream(tail, from < 0 ? tail.last(0).end() : from);
      }
      LogTail.Page page = tail == null ? new LogTail.Page(List.of(), 0) : tail.last(200);
      Sampler sampler = samplers.apply(env.get().name());
      Map<Snapshot.Route, List<Point>> signals = new LinkedHashMap<>();
      for (Snapshot.Route route : sampler.routes()) {
        if (route.concerns(service.name())) {
          signals.put(route, sampler.series(route));
        }
      }
      return new Reply.Page(
          200,
          ServicePage.render(
              env.get().name(),
              service,
              signals,
              System.currentTimeMillis(),
              Sampler.HISTORY.toMillis(),
              instance,
              search,
              page.lines(),
              page.end(),
              Workings.fetch(env.get().adminPort()).concerning(service.name())));
    }
    return notFound(query.path());
  }

  /** A POST whose CSRF token was checked; {@code form} holds its fields. */
  Reply post(String path, Map<String, List<String>> form, String actor) {
    List<String> p = segments(path);
    if (p.size() == 3 && p.get(0).equals("env") && p.get(2).equals("rollback")) {
      Optional<Source> source = environments.source(p.get(1));
      if (source.isEmpty()) {
        return notFound(path);
      }
      long release = parseLong(first(form, "release"));
      actions.rollback(
          p.get(1), source.get(), release > 0 ? Math.toIntExact(release) : null, actor);
      return new Reply.Redirect("/env/" + dev.updraft.console.html.Html.u(p.get(1)));
    }
    if (p.size() == 2 && p.get(0).equals("vms") && p.get(1).equals("add")) {
      String socket = first(form, "socket");
      try {
        vms.add(Path.of(socket == null ? "" : socket.strip()));
        return redirectVms("added " + socket);
      } catch (VmException | java.nio.file.InvalidPathException e) {
        return redirectVms(e.getMessage());
      }
    }
    if (p.size() == 3 && p.get(0).equals("vms")) {
      Optional<Path> found = vms.socket((int) parseLong(p.get(1)), first(form, "socket"));
      if (found.isEmpty()) {
        return redirectVms(p.get(2) + ": the list of microVMs changed; try again");
      }
      Path socket = found.get();
      try {
        String fault =
            switch (p.get(2)) {
              case "pause" -> vms.setState(socket, true);
              case "resume" -> vms.setState(socket, false);
              case "snapshot" -> vms.snapshot(socket);
              default -> "unknown action: " + p.get(2);
            };
        return redirectVms(fault == null ? p.get(2) + ": done" : p.get(2) + ": " + fault);
      } catch (VmException e) {
        return redirectVms(p.get(2) + ": " + e.getMessage());
      }
    }
    return notFound(path);
  }

  private static Reply redirectVms(String message) {
    return new Reply.Redirect("/vms?m=" + dev.updraft.console.html.Html.u(message));
  }

  private static Reply asset(String name) {
    String type =
        switch (name) {
          case "console.css" -> "text/css; charset=utf-8";
          case "logs.js" -> "text/javascript; charset=utf-8";
          default -> null;
        };
    if (type == null) {
      return notFound("/assets/" + name);
    }
    try (InputStream in = Routes.class.getResourceAsStream("assets/" + name)) {
      if (in == null) {
        return notFound("/assets/" + name);
      }
      return new Reply.Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Reply notFound(String path) {
    return new Reply.Text(404, "not found: " + path + "\n");
  }

  private static List<String> segments(String path) {
    return java.util.Arrays.stream(path.split("/"))
        .filter(s -> !s.isEmpty())
        .map(s -> QueryStringDecoder.decodeComponent(s))
        .toList();
  }

  private static String param(QueryStringDecoder query, String name) {
    String value = first(query.parameters(), name);
    return value == null ? "" : value;
  }

  private static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  private static long parseLong(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
