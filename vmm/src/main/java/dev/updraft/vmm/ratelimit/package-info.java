/** Firecracker's token-bucket rate limiters (bytes and ops) for virtio devices. */
package dev.updraft.vmm.ratelimit;
