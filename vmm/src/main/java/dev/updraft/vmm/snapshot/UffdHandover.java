package dev.updraft.vmm.snapshot;

import dev.updraft.sys.Fd;
import dev.updraft.sys.FdPassing;
import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.UnixSockets;
import dev.updraft.sys.Userfaultfd;
import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Uffd memory backend's side in the VMM (docs/snapshotting/handling-page-faults-on-snapshot-
 * resume.md): guest memory is anonymous and registered with a userfaultfd, which goes with the
 * regions' mapping to the page-fault handler listening at {@code backend_path}, in one message with
 * the descriptor attached. The handler then fills each page on its first touch, by the guest, by
 * KVM or by a device. Both the descriptor and the connection stay open for the VM's life: the
 * handler knows the VM is gone when the connection closes.
 */
public final class UffdHandover implements AutoCloseable {
  private final Userfaultfd uffd;
  private final Fd connection;

  private UffdHandover(Userfaultfd uffd, Fd connection) {
    this.uffd = uffd;
    this.connection = connection;
  }

  /**
   * Registers {@code memory} and hands it to the handler at {@code socket}.
   *
   * @throws SnapshotException if the handler cannot be reached or userfaultfd is not available
   */
  public static UffdHandover handOver(Path socket, MappedGuestMemory memory) {
    Userfaultfd uffd;
    try {
      uffd = Userfaultfd.create(Userfaultfd.FEATURE_EVENT_REMOVE);
    } catch (RuntimeException e) {
      throw new SnapshotException(
          "mem_backend: Uffd: cannot create a userfaultfd (needs root or"
              + " vm.unprivileged_userfaultfd=1): "
              + e.getMessage(),
          e);
    }
    Fd connection = null;
    try {
      List<UffdRegion> regions = new ArrayList<>();
      long offset = 0;
      List<MemoryRegion> guest = memory.regions();
      for (int i = 0; i < guest.size(); i++) {
        long size = guest.get(i).size();
        uffd.register(memory.hostAddress(i), size);
        regions.add(new UffdRegion(memory.hostAddress(i), size, offset, MappedMemory.PAGE_SIZE));
        offset += size;
      }
      try {
        connection = UnixSockets.connect(socket, UnixSockets.Mode.BLOCKING);
      } catch (RuntimeException e) {
        throw new SnapshotException(
            "mem_backend.backend_path: "
                + socket
                + ": no page-fault handler listens there ("
                + e.getMessage()
                + ")",
            e);
      }
      FdPassing.sendWithFd(connection, UffdRegion.encode(regions), uffd.fd());
      return new UffdHandover(uffd, connection);
    } catch (RuntimeException e) {
      if (connection != null) {
        connection.close();
      }
      uffd.close();
      throw e instanceof SnapshotException s
          ? s
          : new SnapshotException("mem_backend: Uffd: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    connection.close();
    uffd.close();
  }
}
