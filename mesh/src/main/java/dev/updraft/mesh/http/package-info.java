/**
 * HTTP/1.1, HTTP/2 and gRPC proxying on Netty: the client side, the call contract the stack's
 * layers share, upstream connections and pools, synthesized errors, tunnels.
 */
package dev.updraft.mesh.http;
