package dev.updraft.vmm.boot;

/** How the boot CPU enters the kernel (firecracker.md §3.5). */
public enum BootProtocol {
  /** Linux 64-bit boot protocol: long mode, identity page tables, RSI at the zero page. */
  LINUX_64,
  /** Xen PVH: 32-bit protected mode without paging, RBX at {@code hvm_start_info}. */
  PVH
}
