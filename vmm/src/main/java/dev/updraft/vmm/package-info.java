/**
 * The embedding API of the Firecracker-compatible microVM monitor: {@link dev.updraft.vmm.MicroVm}.
 */
package dev.updraft.vmm;
