/** HTTP/1.1, HTTP/2 and gRPC proxying on Netty: exchanges, upstream pools, errors, tunnels. */
package dev.updraft.mesh.http;
