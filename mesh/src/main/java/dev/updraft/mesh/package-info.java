/** A Linkerd-class service-mesh proxy on Netty (issue 4). */
package dev.updraft.mesh;
