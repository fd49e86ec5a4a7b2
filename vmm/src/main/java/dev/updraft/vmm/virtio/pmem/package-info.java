/**
 * virtio-pmem: a host file mapped into guest physical memory past the 64-bit MMIO window, which the
 * guest reads and writes with loads and stores (DAX), and a queue on which it asks for those writes
 * to reach the file.
 */
package dev.updraft.vmm.virtio.pmem;
