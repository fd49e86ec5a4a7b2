/** End-to-end tests: the VMM as its own process on real KVM, driven like Firecracker. */
package dev.updraft.vmm.e2e;
