/**
 * What the proxy accepts at its edges: strict HTTP parsing rules for what clients and backends
 * send, and the timeouts that bound how long a client may take to send it.
 */
package dev.updraft.mesh.edge;
