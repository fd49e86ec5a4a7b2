package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /pmem/{id}}: a virtio-pmem device, a host file mapped into guest physical memory
 * (Firecracker's {@code PmemConfig}). The file itself is opened and checked when the VM starts, as
 * in Firecracker, which makes the device then.
 *
 * @param id letters, digits and underscores
 * @param pathOnHost the backing file; its length need not be a multiple of 2 MiB (the rest of the
 *     last 2 MiB is anonymous memory that never reaches the file)
 * @param rootDevice whether the kernel mounts it as {@code /} ({@code root=/dev/pmem<N>}, N its
 *     place among the pmem devices); at most one device, pmem or drive, may be the root
 * @param readOnly whether the file is mapped read-only (the guest's stores are discarded) and, for
 *     the root device, mounted {@code ro}
 * @param rateLimiter limits on flushes (ops) and the bytes they write back, or null for none
 */
public record PmemConfig(
    String id,
    Path pathOnHost,
    boolean rootDevice,
    boolean readOnly,
    RateLimiterConfig rateLimiter) {
  public PmemConfig {
    ResourceId.check("id", id);
    Objects.requireNonNull(pathOnHost, "path_on_host");
  }
}
