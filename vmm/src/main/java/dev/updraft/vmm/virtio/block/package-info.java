/**
 * virtio-blk: a block device backed by a host file through java.nio (Firecracker's Sync engine).
 */
package dev.updraft.vmm.virtio.block;
