package dev.updraft.vmm.core;

import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a machine's RAM comes from: zero-filled anonymous memory (a boot, or a restore whose pages
 * a userfaultfd handler fills) or a snapshot's memory file mapped copy-on-write. Either is mapped
 * anew ({@link #map}), or onto the anonymous memory a spare VM made ahead with its memory slots
 * ({@link #onto}), which keeps the addresses the slots point at.
 */
sealed interface GuestRam {
  List<MemoryRegion> regions();

  /** New mappings of the regions. */
  MappedGuestMemory map();

  /** The same on {@code reserved}: untouched anonymous mappings of exactly these regions. */
  MappedGuestMemory onto(MappedGuestMemory reserved);

  /** Zero-filled memory. */
  record Anonymous(List<MemoryRegion> regions) implements GuestRam {
    public Anonymous {
      regions = List.copyOf(regions);
    }

    @Override
    public MappedGuestMemory map() {
      return MappedGuestMemory.anonymous(regions);
    }

    @Override
    public MappedGuestMemory onto(MappedGuestMemory reserved) {
      return reserved; // never written: already zero
    }
  }

  /** A memory file's pages, read when first touched; writes stay in this process. */
  record PrivateFile(List<MemoryRegion> regions, Path file) implements GuestRam {
    public PrivateFile {
      regions = List.copyOf(regions);
      Objects.requireNonNull(file, "file");
    }

    @Override
    public MappedGuestMemory map() {
      return MappedGuestMemory.privateFile(regions, file);
    }

    @Override
    public MappedGuestMemory onto(MappedGuestMemory reserved) {
      reserved.mapFileOver(file);
      return reserved;
    }
  }
}
