/** virtio-net: frames between a guest and a host backend (a TAP device with vnet headers). */
package dev.updraft.vmm.virtio.net;
