/** Device models on the I/O and MMIO buses; pure Java, testable without KVM. */
package dev.updraft.vmm.devices;
