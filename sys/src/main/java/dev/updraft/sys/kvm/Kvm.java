package dev.updraft.sys.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.updraft.sys.Errno;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.sys.KvmException;
import dev.updraft.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code /dev/kvm}: the system-wide KVM handle that answers questions and creates VMs. */
public final class Kvm implements AutoCloseable {
  public static final Path DEVICE = Path.of("/dev/kvm");
  public static final int API_VERSION = 12;
  // The kernel refuses with E2BIG while the buffer is smaller than its table; it has ~60-100 now.
  private static final int MAX_CPUID_ENTRIES = 256;
  private static final int MAX_MSRS = 1024;

  private final Fd fd;

  private Kvm(Fd fd) {
    this.fd = fd;
  }

  /** Opens {@code /dev/kvm} and checks the API version. */
  public static Kvm open() {
    Kvm kvm = openDevice();
    int version = kvm.apiVersion();
    if (version != API_VERSION) {
      kvm.close();
      throw new KvmException("KVM API version: " + version + " (expected: " + API_VERSION + ")");
    }
    return kvm;
  }

  /**
   * {@code KVM_GET_API_VERSION} of this host's {@code /dev/kvm}, whatever it is: for reports such
   * as {@code updraft doctor}, where {@link #open} would refuse a version other than 12.
   *
   * @throws ErrnoException if /dev/kvm cannot be opened or answers with an error
   */
  public static int hostApiVersion() {
    try (Kvm kvm = openDevice()) {
      return kvm.apiVersion();
    }
  }

  public int apiVersion() {
    return fd.ioctl(KvmIoctls.GET_API_VERSION, 0);
  }

  private static Kvm openDevice() {
    return new Kvm(Fd.open(DEVICE, OpenFlags.O_RDWR));
  }

  /** {@code KVM_CHECK_EXTENSION}: 0 when absent, else 1 or a capability-specific number. */
  public int check(Capability capability) {
    return fd.ioctl(KvmIoctls.CHECK_EXTENSION, capability.number());
  }

  /** {@code KVM_CHECK_EXTENSION} by number, for capabilities a user names (CPU templates). */
  public int check(int capability) {
    return fd.ioctl(KvmIoctls.CHECK_EXTENSION, capability);
  }

  /** The required capabilities this host lacks (empty when a VM can be built). */
  public Set<Capability> missing(Set<Capability> wanted) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    for (Capability c : wanted) {
      if (check(c) <= 0) {
        missing.add(c);
      }
    }
    return missing;
  }

  /** The size of each vCPU's shared {@code kvm_run} area. */
  public int vcpuMmapSize() {
    return fd.ioctl(KvmIoctls.GET_VCPU_MMAP_SIZE, 0);
  }

  /** {@code KVM_GET_SUPPORTED_CPUID}: what this host can offer a guest, before normalisation. */
  public List<CpuidEntry> supportedCpuid() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(8 + MAX_CPUID_ENTRIES * Structs.CPUID_ENTRY_SIZE, 8);
      buffer.set(JAVA_INT, 0, MAX_CPUID_ENTRIES);
      fd.ioctl(KvmIoctls.GET_SUPPORTED_CPUID, buffer);
      return Structs.readCpuid(buffer);
    }
  }

  /** {@code KVM_GET_MSR_INDEX_LIST}: the MSRs KVM saves and restores for a vCPU. */
  public List<Integer> msrIndexList() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(4 + MAX_MSRS * 4L, 4);
      buffer.set(JAVA_INT, 0, MAX_MSRS);
      try {
        fd.ioctl(KvmIoctls.GET_MSR_INDEX_LIST, buffer);
      } catch (ErrnoException e) {
        if (e.errno() == Errno.E2BIG) {
          throw new KvmException("KVM has more than " + MAX_MSRS + " MSRs to save");
        }
        throw e;
      }
      int count = buffer.get(JAVA_INT, 0);
      List<Integer> indices = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        indices.add(buffer.get(JAVA_INT, 4 + i * 4L));
      }
      return indices;
    }
  }

  /** {@code KVM_CREATE_VM} with the default machine type. */
  public VmFd createVm() {
    int vm = fd.ioctl(KvmIoctls.CREATE_VM, 0);
    return new VmFd(Fd.adopt(vm, "kvm-vm"), vcpuMmapSize());
  }

  @Override
  public void close() {
    fd.close();
  }
}
