/** Helpers shared by the vmm tests. */
package dev.updraft.vmm.testing;
