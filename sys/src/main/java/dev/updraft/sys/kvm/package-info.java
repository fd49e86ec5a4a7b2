/** KVM through FFM: one AutoCloseable type per fd kind (/dev/kvm, VM, vCPU), plain-Java structs. */
package dev.updraft.sys.kvm;
