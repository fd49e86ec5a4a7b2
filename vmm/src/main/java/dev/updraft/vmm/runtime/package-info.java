/** The contract between the API layer and the hypervisor that builds and runs the microVM. */
package dev.updraft.vmm.runtime;
