package dev.updraft.mesh.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

/** Chooses the route for a request; null means no route takes it (404). */
@FunctionalInterface
public interface Router {
  Route route(HttpRequest request, Channel downstream);
}
