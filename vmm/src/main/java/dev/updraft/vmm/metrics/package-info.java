/** Counters that devices and the API bump and the metrics writer reads (Firecracker's names). */
package dev.updraft.vmm.metrics;
