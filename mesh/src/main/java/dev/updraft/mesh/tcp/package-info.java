/** Opaque TCP: byte relays with half-close, and forwarding of undetected or opaque connections. */
package dev.updraft.mesh.tcp;
