package dev.updraft.mesh.proxy;

import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.Router;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** Explicit mode's router: the first route whose match takes the request, else the default. */
record RouteTable(List<Route> routes, Route fallback) implements Router {
  @Override
  public Route route(HttpRequest request, Channel downstream) {
    for (Route route : routes) {
      if (route.matches(request)) {
        return route;
      }
    }
    return fallback;
  }
}
