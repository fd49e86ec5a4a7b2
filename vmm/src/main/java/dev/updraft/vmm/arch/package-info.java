/** The x86-64 guest layout: Firecracker's fixed addresses, RAM regions and device resources. */
package dev.updraft.vmm.arch;
