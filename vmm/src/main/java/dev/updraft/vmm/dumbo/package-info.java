/**
 * A minimal ARP/IPv4/TCP/HTTP stack inside the VMM (Firecracker's "dumbo"): parsers and builders of
 * the few protocol data units it needs, and a passive-open TCP endpoint serving HTTP/1.1. Every
 * parser takes hostile guest input and answers with null or a counter, never an exception.
 */
package dev.updraft.vmm.dumbo;
