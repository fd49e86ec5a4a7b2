/** Test fixtures for the proxy: backends, a proxy started from YAML, HTTP/2 and gRPC peers. */
package dev.updraft.mesh.testing;
