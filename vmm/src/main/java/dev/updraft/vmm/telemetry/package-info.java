/** Firecracker's logger and metrics: lines on a file or FIFO that never block the VMM. */
package dev.updraft.vmm.telemetry;
