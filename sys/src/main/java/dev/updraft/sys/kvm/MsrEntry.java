package dev.updraft.sys.kvm;

/** One model-specific register: its index and 64-bit value ({@code struct kvm_msr_entry}). */
public record MsrEntry(int index, long value) {}
