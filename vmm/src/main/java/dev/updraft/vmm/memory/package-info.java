/** Guest physical memory as devices and loaders see it: a consumer interface, no FFM. */
package dev.updraft.vmm.memory;
