package dev.updraft.vmm.arch;

import dev.updraft.vmm.memory.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * Firecracker's x86-64 guest physical address map ({@code arch/x86_64/layout.rs}): where boot
 * structures, RAM and the MMIO holes live. Guests built for Firecracker hard-code none of these,
 * but tools that inspect a running guest (and our own test guests) rely on the same numbers.
 */
public final class Layout {
  public static final long PAGE_SIZE = 0x1000;

  /** Boot GDT, 4 entries (Firecracker's BOOT_GDT_OFFSET). */
  public static final long BOOT_GDT_START = 0x500;

  /** Boot IDT, one zero entry. */
  public static final long BOOT_IDT_START = 0x520;

  /** PVH {@code hvm_start_info}. */
  public static final long PVH_INFO_START = 0x6000;

  /** PVH module list (the initrd). */
  public static final long MODLIST_START = 0x6040;

  /** PVH memory map; the Linux zero page shares the address as the two are never both used. */
  public static final long MEMMAP_START = 0x7000;

  /** The Linux zero page ({@code struct boot_params}). */
  public static final long ZERO_PAGE_START = 0x7000;

  /** Initial RSP and RBP of the Linux 64-bit boot. */
  public static final long BOOT_STACK_POINTER = 0x8FF0;

  /** Identity page tables of the Linux 64-bit boot: PML4, PDPT, PD. */
  public static final long PML4_START = 0x9000;

  public static final long PDPTE_START = 0xA000;
  public static final long PDE_START = 0xB000;

  /** The kernel command line, NUL terminated. */
  public static final long CMDLINE_START = 0x20000;

  /** Command line capacity including its NUL. */
  public static final int CMDLINE_MAX_SIZE = 2048;

  /** Reserved "system memory" (EBDA up to the RSDP): MP table and ACPI tables, first fit. */
  public static final long SYSTEM_MEM_START = 0x9FC00;

  public static final long RSDP_ADDR = 0xE0000;
  public static final long SYSTEM_MEM_SIZE = RSDP_ADDR - SYSTEM_MEM_START;

  /** Lowest kernel load address. */
  public static final long HIMEM_START = 0x100000;

  /** The 1 GiB 32-bit MMIO hole: RAM stops at 3 GiB and resumes at 4 GiB. */
  public static final long MMIO32_START = 0xC000_0000L;

  public static final long FIRST_ADDR_PAST_32BITS = 1L << 32;
  public static final long MMIO32_SIZE = FIRST_ADDR_PAST_32BITS - MMIO32_START;

  /** The boot-timer pseudo device, first in the hole. */
  public static final long BOOT_TIMER_START = MMIO32_START;

  /** Size of each MMIO device window (boot timer, virtio-mmio transports). */
  public static final long MMIO_SLOT_SIZE = 0x1000;

  /** First virtio-mmio transport; the n-th device sits at {@code VIRTIO_MMIO_START + n * 4K}. */
  public static final long VIRTIO_MMIO_START = MMIO32_START + MMIO_SLOT_SIZE;

  /** PCIe ECAM, reserved in e820 and announced by the MCFG even without PCI. */
  public static final long PCI_MMCONFIG_START = 0xEEC0_0000L;

  public static final long PCI_MMCONFIG_SIZE = 256L << 20;

  /** One PCI segment of ECAM: 1 MiB covers bus 0 only. */
  public static final long PCI_MMIO_CONFIG_SIZE_PER_SEGMENT = 1L << 20;

  public static final long IOAPIC_ADDR = 0xFEC0_0000L;
  public static final long APIC_ADDR = 0xFEE0_0000L;

  /** Three pages KVM needs for its real-mode TSS (KVM_SET_TSS_ADDR). */
  public static final long KVM_TSS_ADDRESS = 0xFFFB_D000L;

  /** The 64-bit MMIO hole for PCI 64-bit BARs: RAM skips [256 GiB, 512 GiB). */
  public static final long MMIO64_START = 256L << 30;

  public static final long MMIO64_SIZE = 256L << 30;

  /**
   * Firecracker's window for memory-like devices past the 64-bit MMIO hole: 512 GiB from 512 GiB,
   * where the virtio-mem region is placed first and the virtio-pmem regions after it, as
   * Firecracker's allocator does. RAM of more than 252 GiB also continues at 512 GiB; the window
   * then starts past it, where Firecracker would overlap the two.
   */
  public static final long PAST_MMIO64_SIZE = 512L << 30;

  /** Alignment of the virtio-mem region (Firecracker's default slot size, 128 MiB). */
  public static final long HOTPLUG_ALIGNMENT = 128L << 20;

  /** Legacy GSIs on the IOAPIC: 1 = i8042, 4 = COM1, 5..23 allocated to devices. */
  public static final int GSI_I8042 = 1;

  public static final int GSI_COM1 = 4;
  public static final int GSI_LEGACY_START = 5;
  public static final int GSI_LEGACY_END = 23;

  /** Port I/O of the legacy devices. */
  public static final int COM1_PORT = 0x3F8;

  public static final int COM1_PORT_SIZE = 8;
  public static final int I8042_PORT = 0x60;

  /** 0x60..0x64: the data port at offset 0, the status/command port at offset 4. */
  public static final int I8042_PORT_SIZE = 5;

  /** Firecracker's vCPU limit. */
  public static final int MAX_VCPUS = 32;

  private Layout() {}

  /**
   * The guest RAM regions for {@code memBytes} of memory, one KVM memslot each: RAM below 3 GiB,
   * then from 4 GiB up to the 64-bit hole at 256 GiB, then from 512 GiB on.
   */
  public static List<MemoryRegion> ramRegions(long memBytes) {
    if (memBytes <= 0 || memBytes % PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "memBytes: " + memBytes + " (expected: a positive multiple of " + PAGE_SIZE + ")");
    }
    if (memBytes > Long.MAX_VALUE - MMIO64_START - MMIO64_SIZE) {
      throw new IllegalArgumentException(
          "memBytes: " + memBytes + " (expected: an address space that does not wrap)");
    }
    List<MemoryRegion> regions = new ArrayList<>(3);
    long low = Math.min(memBytes, MMIO32_START);
    regions.add(new MemoryRegion(0, low));
    long remaining = memBytes - low;
    if (remaining > 0) {
      long middle = Math.min(remaining, MMIO64_START - FIRST_ADDR_PAST_32BITS);
      regions.add(new MemoryRegion(FIRST_ADDR_PAST_32BITS, middle));
      remaining -= middle;
    }
    if (remaining > 0) {
      regions.add(new MemoryRegion(MMIO64_START + MMIO64_SIZE, remaining));
    }
    return List.copyOf(regions);
  }

  /**
   * The first address of the pmem window for guest RAM {@code ram} and a virtio-mem region that
   * ends at {@code hotplugEnd} (0 for none): 2 MiB aligned, past both.
   */
  public static long pmemStart(List<MemoryRegion> ram, long hotplugEnd) {
    return alignUp(Math.max(pastMmio64(ram), hotplugEnd), 2L << 20);
  }

  /**
   * Where the virtio-mem region starts: past the 64-bit MMIO hole at 512 GiB (Firecracker's
   * FIRST_ADDR_PAST_64BITS_MMIO), after any RAM there, aligned to 128 MiB (its default slot size).
   */
  public static long hotplugStart(List<MemoryRegion> ram, long size) {
    long start = alignUp(pastMmio64(ram), HOTPLUG_ALIGNMENT);
    // Firecracker allocates the region in [512 GiB, 1 TiB): the VM does not start if it is bigger.
    long room = MMIO64_START + MMIO64_SIZE + PAST_MMIO64_SIZE - start;
    if (size > room) {
      throw new IllegalArgumentException(
          "memory-hotplug: total_size_mib "
              + (size >> 20)
              + " (expected: at most "
              + (room >> 20)
              + ", the room past the 64-bit MMIO hole)");
    }
    return start;
  }

  private static long pastMmio64(List<MemoryRegion> ram) {
    long start = MMIO64_START + MMIO64_SIZE;
    for (MemoryRegion region : ram) {
      start = Math.max(start, region.end());
    }
    return start;
  }

  /** End of the RAM region at address 0, where the initrd goes (Firecracker's first memslot). */
  public static long lowRamEnd(List<MemoryRegion> regions) {
    for (MemoryRegion region : regions) {
      if (region.start() == 0) {
        return region.end();
      }
    }
    throw new IllegalArgumentException(
        "regions: " + regions + " (expected: one starting at guest address 0)");
  }

  /** {@code value} rounded down to a multiple of {@code alignment}, a power of two. */
  public static long alignDown(long value, long alignment) {
    return value & -alignment;
  }

  /** {@code value} rounded up to a multiple of {@code alignment}, a power of two. */
  public static long alignUp(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }
}
