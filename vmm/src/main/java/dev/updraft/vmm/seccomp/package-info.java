/** seccomp-BPF filters per thread kind, in Firecracker's JSON format, compiled to classic BPF. */
package dev.updraft.vmm.seccomp;
