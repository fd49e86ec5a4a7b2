/**
 * The HTTP request stack: one layer per job (route metrics and access log, timeouts, retries, the
 * backend split, the balancer, connecting, streaming), composed like linkerd2-proxy's stacks.
 */
package dev.updraft.mesh.stack;
