package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.NewCall;

/**
 * The layers every HTTP request goes through, built once and shared by every route: a layer reads
 * its route's settings from the exchange. Read from the bottom up, as the stack is built (the
 * request travels from the last push down to the stream): below the retry layer each attempt gets
 * calls of its own.
 */
public final class HttpStack {
  private HttpStack() {}

  public static NewCall build() {
    NewCall endpoint = Stream::new;
    return endpoint
        // one attempt
        .push(ResponseHeadersTimeout.layer())
        .push(Connect.layer())
        .push(Balance.layer())
        .push(Distribute.layer())
        // one request
        .push(Retry.layer())
        .push(RequestTimeouts.layer())
        .push(RouteMetrics.layer())
        // inbound policy: refused requests stop here
        .push(Authorize.layer());
  }
}
