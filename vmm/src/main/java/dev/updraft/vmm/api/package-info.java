/** Firecracker's REST API on a Unix socket, the config file, and the process that runs them. */
package dev.updraft.vmm.api;
