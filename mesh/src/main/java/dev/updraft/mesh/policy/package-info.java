/** Inbound authorization and local rate limits, with Linkerd's server-policy semantics. */
package dev.updraft.mesh.policy;
