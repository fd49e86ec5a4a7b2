/** Firecracker's jailer for updraft's VMM: chroot, cgroups, namespaces, rlimits, uid drop, exec. */
package dev.updraft.vmm.jailer;
