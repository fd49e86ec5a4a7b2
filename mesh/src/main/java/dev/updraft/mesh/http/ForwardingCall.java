package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * A layer's call that passes every event on unchanged, in both directions: a layer extends it and
 * overrides only the events of its job. The calls are direct, so a layer costs a virtual call per
 * event and no allocation.
 */
public abstract class ForwardingCall implements HttpCall, Responder {
  protected final Exchange exchange;
  protected final Responder up;
  protected HttpCall inner;

  protected ForwardingCall(Exchange exchange, Responder up) {
    this.exchange = exchange;
    this.up = up;
  }

  /** Makes the call below this one; a layer's constructor calls it last. */
  protected final void below(NewCall next) {
    inner = next.newCall(exchange, this);
  }

  @Override
  public void start() {
    inner.start();
  }

  @Override
  public void requestContent(HttpContent chunk) {
    inner.requestContent(chunk);
  }

  @Override
  public void readResponse() {
    inner.readResponse();
  }

  @Override
  public void cancel(Throwable cause) {
    inner.cancel(cause);
  }

  @Override
  public void responseHead(HttpResponse head) {
    up.responseHead(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    up.responseContent(chunk);
  }

  @Override
  public void fail(Throwable cause) {
    up.fail(cause);
  }

  @Override
  public void readRequest() {
    up.readRequest();
  }
}
