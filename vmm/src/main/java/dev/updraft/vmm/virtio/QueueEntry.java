package dev.updraft.vmm.virtio;

/**
 * What {@link VirtQueue#pop()} found at the head of the available ring: a chain the device can use,
 * or one it must hand back untouched because it breaks the rules.
 */
public sealed interface QueueEntry permits DescriptorChain, BadChain {
  /** The index of the chain's first descriptor, the id the used ring reports it by. */
  int head();
}
