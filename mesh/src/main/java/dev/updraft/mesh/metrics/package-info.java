/** Prometheus metrics with Linkerd's family names, cheap to update on the request path. */
package dev.updraft.mesh.metrics;
