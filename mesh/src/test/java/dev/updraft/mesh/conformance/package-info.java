/** A differential conformance suite: the same raw bytes through updraft, HAProxy and nginx. */
package dev.updraft.mesh.conformance;
