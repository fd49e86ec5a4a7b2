/** Protocol detection on the first bytes of a connection: TLS, HTTP/2, HTTP/1 or opaque TCP. */
package dev.updraft.mesh.detect;
