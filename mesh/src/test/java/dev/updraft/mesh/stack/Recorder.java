package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Both ends of a layer under test: above it, a responder that records what comes up; below it, a
 * call that records what goes down and through which the test answers ({@code up}).
 */
final class Recorder implements Responder {
  final List<Object> events = new ArrayList<>();
  int readRequests;
  Throwable failure;

  @Override
  public void responseHead(HttpResponse head) {
    events.add(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    events.add(chunk);
  }

  @Override
  public void fail(Throwable cause) {
    failure = cause;
    events.add(cause);
  }

  @Override
  public void readRequest() {
    readRequests++;
  }

  /** A call below the layer under test. */
  static final class Below implements HttpCall {
    final Exchange exchange;
    final Responder up;
    final List<Object> received = new ArrayList<>();
    boolean started;
    Backend backendAtStart;
    int readResponses;
    Throwable cancelled;

    Below(Exchange exchange, Responder up) {
      this.exchange = exchange;
      this.up = up;
    }

    @Override
    public void start() {
      started = true;
      backendAtStart = exchange.backend();
    }

    @Override
    public void requestContent(HttpContent chunk) {
      received.add(chunk);
    }

    @Override
    public void readResponse() {
      readResponses++;
    }

    @Override
    public void cancel(Throwable cause) {
      cancelled = cause;
    }
  }

  /** Makes {@link Below} calls and keeps them, one per attempt. */
  static final class Stack implements NewCall {
    final List<Below> calls = new ArrayList<>();

    @Override
    public HttpCall newCall(Exchange exchange, Responder up) {
      Below call = new Below(exchange, up);
      calls.add(call);
      return call;
    }

    Below last() {
      return calls.getLast();
    }
  }
}
