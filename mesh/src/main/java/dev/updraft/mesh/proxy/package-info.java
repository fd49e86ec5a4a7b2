/** The proxy assembled: listeners, backends with discovery, routes, admin server, shutdown. */
package dev.updraft.mesh.proxy;
