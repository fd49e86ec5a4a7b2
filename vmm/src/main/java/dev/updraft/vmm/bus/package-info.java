/** Address-range dispatch of guest port-I/O and MMIO accesses to device models. */
package dev.updraft.vmm.bus;
