package dev.updraft.mesh.http;

import dev.updraft.mesh.config.MatchConfig;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.metrics.MetricsRegistry;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A request stack the test plays: each exchange's call is recorded, and the test answers it, so a
 * client side (HTTP/1.1 or HTTP/2) is tested without backends.
 */
final class ScriptedStack {
  /** A call the test answers; it records what the client side sent down. */
  static final class Call implements HttpCall {
    final Exchange exchange;
    final Responder up;
    final List<HttpContent> body = new ArrayList<>();
    private final Consumer<Call> onStart;
    Throwable cancelled;

    Call(Exchange exchange, Responder up, Consumer<Call> onStart) {
      this.exchange = exchange;
      this.up = up;
      this.onStart = onStart;
    }

    @Override
    public void start() {
      onStart.accept(this);
    }

    @Override
    public void requestContent(HttpContent chunk) {
      body.add(chunk);
    }

    @Override
    public void readResponse() {}

    @Override
    public void cancel(Throwable cause) {
      cancelled = cause;
    }

    void answer(int status) {
      up.responseHead(
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status)));
      up.responseContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("ok".getBytes())));
    }
  }

  final List<Call> calls = new ArrayList<>();

  /** What each call does as it starts (nothing unless a test says). */
  Consumer<Call> onStart = call -> {};

  private ScriptedStack() {}

  static ScriptedStack create() {
    return new ScriptedStack();
  }

  /** A context whose router gives every request one route (or none: 404), and this stack. */
  HttpContext context(boolean routed) {
    Route route =
        routed
            ? new Route(
                "r",
                new RouteMatcher(MatchConfig.ANY),
                null, // the scripted stack never picks a backend
                new RetryPolicy(RetryConfig.NONE, System::nanoTime),
                TimeoutConfig.NONE,
                new ProxyMetrics(new MetricsRegistry()).route("outbound", "b", "r"))
            : null;
    return new HttpContext(
        (request, ch) -> route,
        System::nanoTime,
        RandomGenerator.of("L64X128MixRandom"),
        "outbound",
        null,
        (exchange, up) -> {
          Call call = new Call(exchange, up, c -> onStart.accept(c));
          calls.add(call);
          return call;
        });
  }
}
