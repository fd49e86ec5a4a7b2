/** virtio-rng: entropy for the guest from a host source, optionally rate limited. */
package dev.updraft.vmm.virtio.rng;
