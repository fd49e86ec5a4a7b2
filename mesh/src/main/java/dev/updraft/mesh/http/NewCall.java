package dev.updraft.mesh.http;

/**
 * Makes the call of one request, or of one attempt when it sits below the retry layer: a stack of
 * layers is a NewCall wrapped once per layer (linkerd2-proxy's {@code NewService}).
 */
@FunctionalInterface
public interface NewCall {
  HttpCall newCall(Exchange exchange, Responder up);

  /** This stack with {@code layer} on top of it. */
  default NewCall push(Layer layer) {
    return layer.wrap(this);
  }
}
