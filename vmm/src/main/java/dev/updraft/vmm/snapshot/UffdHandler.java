package dev.updraft.vmm.snapshot;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.sys.FdPassing;
import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.Sockets;
import dev.updraft.sys.UffdEvent;
import dev.updraft.sys.UnixSockets;
import dev.updraft.sys.Userfaultfd;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A page-fault handler for Uffd-backed restores, the counterpart of Firecracker's example {@code
 * on_demand_handler}: it listens on a Unix socket, takes the VMM's message (the regions as JSON,
 * the userfaultfd attached), maps the memory file, and serves each fault by copying that one page
 * from the file ({@code UFFDIO_COPY}); a page the VMM discarded (a remove event, from a balloon) is
 * served as zeros. It serves one VMM and ends when that VMM's connection closes. A copy the kernel
 * asks to retry (EAGAIN: guest memory is changing under a remove event) is retried once the events
 * queued before it are read, as Firecracker's handler does.
 *
 * <p>It must run in another process than the VMM: a JVM cannot serve the faults of its own Java
 * threads, since a thread waiting in a fault cannot reach a safepoint, and one the JVM starts
 * meanwhile stops the handler too.
 *
 * <p>{@code updraft vm uffd-handler SOCKET MEMORY_FILE}
 */
public final class UffdHandler implements AutoCloseable {
  private static final int PAGE = MappedMemory.PAGE_SIZE;
  private static final int MAX_MESSAGE = 64 * 1024;
  private static final long UFFD_KEY = 1;
  private static final long PEER_KEY = 2;

  private final Fd listener;
  private final Path socket;
  private final MappedMemory file;
  private long faults;
  private long zeroFaults;

  private UffdHandler(Fd listener, Path socket, MappedMemory file) {
    this.listener = listener;
    this.socket = socket;
    this.file = file;
  }

  /** Maps {@code memoryFile} and listens on {@code socket}, which must not exist. */
  public static UffdHandler listen(Path socket, Path memoryFile) {
    MappedMemory file;
    try (Fd fd = Fd.open(memoryFile, OpenFlags.O_RDONLY)) {
      long size = Files.size(memoryFile);
      file = MappedMemory.map(fd, 0, size, MappedMemory.PROT_READ, MappedMemory.MAP_PRIVATE);
    } catch (IOException e) {
      throw new SnapshotException("memory file " + memoryFile + ": " + e, e);
    }
    try {
      return new UffdHandler(
          UnixSockets.listen(socket, 1, UnixSockets.Mode.BLOCKING), socket, file);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Accepts the VMM, serves its faults until it hangs up; returns how many pages it served. */
  public long serve() {
    try (Fd peer = Sockets.accept(listener)) {
      FdPassing.Received hello = FdPassing.receiveWithFd(peer, MAX_MESSAGE);
      if (hello.fd() == null) {
        throw new SnapshotException(
            "the VMM sent no userfaultfd with its message (" + hello.data().length + " bytes)");
      }
      try (Userfaultfd uffd = Userfaultfd.adopt(hello.fd())) {
        List<UffdRegion> regions = UffdRegion.decode(hello.data());
        long memory = regions.stream().mapToLong(UffdRegion::size).sum();
        if (memory != file.size()) {
          throw new SnapshotException(
              "the VMM's guest memory is "
                  + memory
                  + " bytes (expected: "
                  + file.size()
                  + ", the memory file's size)");
        }
        loop(uffd, peer, regions);
      }
    }
    return faults;
  }

  private void loop(Userfaultfd uffd, Fd peer, List<UffdRegion> regions) {
    BitSet removed = new BitSet(); // pages (file offset / PAGE) to serve as zeros
    List<Long> deferred = new ArrayList<>(); // faults whose copy the kernel asked to retry
    try (Epoll epoll = Epoll.create();
        Epoll.Events ready = new Epoll.Events(4)) {
      epoll.add(uffd.fd(), Epoll.EPOLLIN, UFFD_KEY);
      epoll.add(peer, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, PEER_KEY);
      while (true) {
        int count;
        try {
          count = epoll.await(ready, deferred.isEmpty() ? -1 : 1);
        } catch (ErrnoException e) {
          if (e.interrupted()) {
            continue;
          }
          throw e;
        }
        for (int i = 0; i < count; i++) {
          if (ready.data(i) == PEER_KEY) {
            return; // the VMM closed its end (or sent something it should not): its VM is gone
          }
        }
        drain(uffd, regions, removed, deferred);
      }
    }
  }

  private void drain(
      Userfaultfd uffd, List<UffdRegion> regions, BitSet removed, List<Long> deferred) {
    for (var event = uffd.readEvent(); event.isPresent(); event = uffd.readEvent()) {
      switch (event.get()) {
        case UffdEvent.PageFault fault -> {
          if (!serveFault(uffd, regions, removed, fault.address())) {
            deferred.add(fault.address());
          }
        }
        case UffdEvent.Remove remove -> markRemoved(regions, removed, remove);
        case UffdEvent.Other other -> {}
      }
    }
    deferred.removeIf(address -> serveFault(uffd, regions, removed, address));
  }

  /** Fills the page of {@code address}; false if the kernel asked to retry later (EAGAIN). */
  private boolean serveFault(
      Userfaultfd uffd, List<UffdRegion> regions, BitSet removed, long address) {
    long page = address & -PAGE;
    UffdRegion region =
        regions.stream()
            .filter(r -> r.contains(page))
            .findFirst()
            .orElseThrow(
                () ->
                    new SnapshotException(
                        "fault at 0x" + Long.toHexString(address) + " outside guest memory"));
    long offset = region.offset() + (page - region.baseHostVirtAddr());
    boolean zero = removed.get((int) (offset / PAGE));
    boolean done = zero ? uffd.zeroPage(page, PAGE) : uffd.copy(page, file, offset, PAGE);
    if (done) {
      faults++;
      if (zero) {
        zeroFaults++;
      }
    }
    return done;
  }

  private static void markRemoved(
      List<UffdRegion> regions, BitSet removed, UffdEvent.Remove remove) {
    for (UffdRegion r : regions) {
      long start = Math.max(remove.start(), r.baseHostVirtAddr());
      long end = Math.min(remove.end(), r.baseHostVirtAddr() + r.size());
      if (start < end) {
        long first = r.offset() + (start - r.baseHostVirtAddr());
        long last = r.offset() + (end - r.baseHostVirtAddr());
        removed.set((int) (first / PAGE), (int) ((last + PAGE - 1) / PAGE));
      }
    }
  }

  @Override
  public void close() {
    listener.close();
    file.close();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // The socket file is only a name; a stale one is refused by the next bind, which says so.
    }
  }

  /** {@code uffd-handler SOCKET MEMORY_FILE}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("usage: uffd-handler SOCKET MEMORY_FILE");
      return 2;
    }
    try (UffdHandler handler = listen(Path.of(args[0]), Path.of(args[1]))) {
      out.println("uffd-handler: listening on " + args[0]);
      out.flush();
      long served = handler.serve();
      out.println(
          "uffd-handler: the VMM is gone; served "
              + served
              + " page faults ("
              + handler.zeroFaults
              + " with zeros)");
      return 0;
    } catch (RuntimeException e) {
      err.println("uffd-handler: " + e.getMessage());
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }
}
