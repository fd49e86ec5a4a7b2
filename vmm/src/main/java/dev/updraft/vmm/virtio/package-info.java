/** Virtio 1.1 split virtqueues, the device SPI and the virtio-mmio (version 2) transport. */
package dev.updraft.vmm.virtio;
