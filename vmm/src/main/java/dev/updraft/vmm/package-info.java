/** A Firecracker-compatible microVM monitor on KVM (issue 3). */
package dev.updraft.vmm;
