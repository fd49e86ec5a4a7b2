/**
 * Netty transports (native epoll, NIO fallback), connection metrics, original destinations, ports.
 */
package dev.updraft.mesh.transport;
