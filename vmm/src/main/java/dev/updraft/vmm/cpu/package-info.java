/**
 * Per-vCPU CPU identity and boot state: CPUID normalisation, boot MSRs, LAPIC LINT wiring, CPU
 * templates.
 */
package dev.updraft.vmm.cpu;
