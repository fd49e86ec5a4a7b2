/** Netty transports (native epoll, NIO fallback), connection metrics, original destinations. */
package dev.updraft.mesh.transport;
