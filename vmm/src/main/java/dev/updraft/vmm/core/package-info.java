/** The microVM: KVM machine set-up, device wiring and the run/pause/stop life cycle. */
package dev.updraft.vmm.core;
