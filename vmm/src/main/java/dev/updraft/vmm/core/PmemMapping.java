package dev.updraft.vmm.core;

import dev.updraft.sys.Fd;
import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.SysException;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.virtio.pmem.PmemBacking;
import dev.updraft.vmm.virtio.pmem.PmemRegion;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A pmem device's backing file mapped into this process, as Firecracker's {@code PmemMmap}: shared
 * (the guest's stores reach the file) and writable unless {@code read_only}. A file whose length is
 * not a multiple of 2 MiB is laid over private anonymous memory of the rounded-up size, so the
 * region the guest sees is whole; what the guest writes past the file's end stays in this process.
 */
final class PmemMapping implements PmemBacking, AutoCloseable {
  private final long fileLength;
  private final MappedMemory memory;

  private PmemMapping(long fileLength, MappedMemory memory) {
    this.fileLength = fileLength;
    this.memory = memory;
  }

  /**
   * Opens and maps the file of {@code config}.
   *
   * @throws MachineException in Firecracker's words ({@code Cannot create pmem device: ...}) with
   *     the path, if it cannot be opened or mapped or is empty
   */
  static PmemMapping open(PmemConfig config) {
    boolean readOnly = config.readOnly();
    long length;
    try {
      length = Files.size(config.pathOnHost());
    } catch (IOException e) {
      throw failed(config, "Error accessing backing file: " + e.getMessage());
    }
    if (length == 0) {
      throw failed(config, "Error backing file size is 0");
    }
    int prot = MappedMemory.PROT_READ | (readOnly ? 0 : MappedMemory.PROT_WRITE);
    int shared = MappedMemory.MAP_SHARED | MappedMemory.MAP_NORESERVE;
    long size = PmemRegion.sizeFor(length);
    int flags = (readOnly ? OpenFlags.O_RDONLY : OpenFlags.O_RDWR) | OpenFlags.O_CLOEXEC;
    // The mapping keeps the file open; the descriptor is not needed past mmap.
    try (Fd fd = Fd.open(config.pathOnHost(), flags)) {
      if (size == length) {
        return new PmemMapping(length, MappedMemory.map(fd, 0, length, prot, shared));
      }
      MappedMemory memory =
          MappedMemory.map(
              null,
              0,
              size,
              prot,
              MappedMemory.MAP_PRIVATE | MappedMemory.MAP_ANONYMOUS | MappedMemory.MAP_NORESERVE);
      try {
        long pages = Math.ceilDiv(length, MappedMemory.PAGE_SIZE) * MappedMemory.PAGE_SIZE;
        memory.mapOver(fd, 0, pages, prot, shared);
      } catch (RuntimeException e) {
        memory.close();
        throw e;
      }
      return new PmemMapping(length, memory);
    } catch (SysException e) {
      throw failed(config, "Error accessing backing file: " + e.getMessage());
    }
  }

  private static MachineException failed(PmemConfig config, String why) {
    return new MachineException(
        "Cannot create pmem device: "
            + why
            + " (pmem \""
            + config.id()
            + "\", path_on_host: "
            + config.pathOnHost()
            + ")");
  }

  @Override
  public long fileLength() {
    return fileLength;
  }

  /** The mapped size: the file's, rounded up to 2 MiB. */
  long size() {
    return memory.size();
  }

  /** Where the mapping starts in this process, for the KVM memory slot. */
  long hostAddress() {
    return memory.address();
  }

  @Override
  public void sync() {
    memory.sync(0, fileLength);
  }

  @Override
  public void close() {
    memory.close();
  }
}
