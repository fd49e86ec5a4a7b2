/** Kernel and initrd loading and the boot structures a guest finds in memory at its entry. */
package dev.updraft.vmm.boot;
