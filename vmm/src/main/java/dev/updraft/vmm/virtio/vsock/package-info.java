/** virtio-vsock: guest AF_VSOCK streams carried to host Unix sockets, Firecracker's way. */
package dev.updraft.vmm.virtio.vsock;
