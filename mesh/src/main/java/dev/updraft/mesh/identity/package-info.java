/** Workload identity: the certificate authority, its Certify API, and the proxy's certificates. */
package dev.updraft.mesh.identity;
