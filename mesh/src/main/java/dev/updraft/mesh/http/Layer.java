package dev.updraft.mesh.http;

/**
 * One job of the HTTP stack (a timeout, retries, the balancer ...) wrapped around the stack below
 * it; a layer reads what it needs for a request from the {@link Exchange} (its route, its backend),
 * so the same stack serves every route.
 */
@FunctionalInterface
public interface Layer {
  NewCall wrap(NewCall inner);
}
