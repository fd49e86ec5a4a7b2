/** Per-vCPU CPU identity and boot state: CPUID normalisation, boot MSRs, LAPIC LINT wiring. */
package dev.updraft.vmm.cpu;
