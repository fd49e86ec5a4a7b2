/** vCPU threads: the KVM_RUN loop, exit dispatch to the buses, pause, resume and stop by kick. */
package dev.updraft.vmm.vcpu;
