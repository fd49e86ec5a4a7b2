/** virtio-mem (device id 24): memory the host lets the guest plug and unplug block by block. */
package dev.updraft.vmm.virtio.mem;
