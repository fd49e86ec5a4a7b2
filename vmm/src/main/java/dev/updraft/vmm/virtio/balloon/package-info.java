/** virtio-balloon (device id 5): the guest gives pages back to the host, and reports its memory. */
package dev.updraft.vmm.virtio.balloon;
