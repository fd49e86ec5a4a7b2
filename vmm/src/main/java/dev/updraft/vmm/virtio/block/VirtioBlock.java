package dev.updraft.vmm.virtio.block;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.BadChain;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.GuestBuffers;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * virtio-blk (device id 2) as Firecracker has it: one queue of 256, a host file read and written
 * with blocking positional I/O on the caller's thread, VIRTIO_BLK_F_RO for read-only drives and
 * VIRTIO_BLK_F_FLUSH only for cache type Writeback. A request that would reach past the end of the
 * disk, write a read-only drive or has a bad data length fails with IOERR before the file is
 * touched; a chain without a request's shape is returned unused. Each request costs one op token
 * and, for reads and writes, one byte token per data byte; when the limiter refuses, the queue
 * stops and resumes when the limiter unblocks.
 */
public final class VirtioBlock extends VirtioDevice
    implements AutoCloseable, Persistent<BlockState> {
  public static final int SECTOR_SIZE = 512;
  static final long F_RO = VirtioFeatures.bit(5);
  static final long F_FLUSH = VirtioFeatures.bit(9);
  static final int S_OK = 0;
  static final int S_IOERR = 1;
  static final int S_UNSUPP = 2;
  static final int ID_BYTES = 20;

  private static final String[] COUNTERS = {
    "cfg_fails",
    "no_avail_buffer",
    "execute_fails",
    "invalid_reqs_count",
    "flush_count",
    "queue_event_count",
    "rate_limiter_event_count",
    "update_count",
    "update_fails",
    "read_bytes",
    "write_bytes",
    "read_count",
    "write_count",
    "rate_limiter_throttled_events"
  };

  private final BlockConfig config;
  private final byte[] id;
  private final RateLimiter limiter;
  private DiskFile disk;

  /** Opens the drive's file; an unusable file is an IllegalArgumentException naming it. */
  public VirtioBlock(BlockConfig config, Timers timers, Counters counters) {
    super(DeviceType.BLOCK, 1, features(config), counters, "event_fails", COUNTERS);
    this.config = config;
    this.id = Arrays.copyOf(config.driveId().getBytes(StandardCharsets.UTF_8), ID_BYTES);
    this.limiter =
        new RateLimiter(
            config.rateLimiter(),
            timers,
            resumeAfterThrottle("rate_limiter_event_count", this::processQueue));
    this.disk = DiskFile.open(config.path(), config.readOnly());
  }

  private static long features(BlockConfig config) {
    long features = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX;
    if (config.readOnly()) {
      features |= F_RO;
    }
    if (config.cacheType() == CacheType.WRITEBACK) {
      features |= F_FLUSH;
    }
    return features;
  }

  public BlockConfig config() {
    return config;
  }

  /** The backing file now in use. */
  public Path path() {
    return withLock(() -> disk.path());
  }

  /** The disk size in 512-byte sectors, as the configuration space reports it. */
  public long capacitySectors() {
    return withLock(() -> disk.sectors());
  }

  /**
   * PATCH path_on_host: reopens the drive on {@code path} (same read-only mode), takes its size and
   * tells the driver through a configuration change. On failure the old file stays in use.
   */
  public void updatePath(Path path) {
    locked(
        () -> {
          DiskFile next;
          try {
            next = DiskFile.open(path, config.readOnly());
          } catch (IllegalArgumentException e) {
            counters().increment("update_fails");
            throw e;
          }
          disk.close();
          disk = next;
          counters().increment("update_count");
          configChanged();
        });
  }

  /** PATCH rate_limiter. */
  public void updateRateLimiter(RateLimiterUpdate update) {
    locked(() -> limiter.update(update));
  }

  /** The limits now in force. */
  public RateLimiterConfig rateLimiter() {
    return withLock(limiter::config);
  }

  @Override
  public BlockState save() {
    return withLock(() -> new BlockState(limiter.save()));
  }

  @Override
  public void restore(BlockState state) {
    locked(() -> limiter.restore(state.rateLimiter()));
  }

  @Override
  public void close() {
    locked(() -> disk.close());
  }

  @Override
  protected byte[] configSpace() {
    // struct virtio_blk_config up to capacity: the other fields belong to features not offered.
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(disk.sectors()).array();
  }

  @Override
  protected void onActivate() {}

  @Override
  protected void onReset() {}

  @Override
  protected void onQueueNotify(int index) {
    counters().increment("queue_event_count");
    if (!limiter.isBlocked()) {
      processQueue();
    }
  }

  private void processQueue() {
    if (!drain(queue(0), this::handle)) {
      counters().increment("no_avail_buffer");
    }
  }

  /** Completes the next chain; false if the rate limiter refused it (it goes back to the ring). */
  private boolean handle(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    Optional<BlockRequest> request =
        switch (entry) {
          case BadChain bad -> Optional.empty();
          case DescriptorChain chain -> BlockRequest.parse(chain, memory());
        };
    if (request.isEmpty()) {
      counters().increment("invalid_reqs_count");
      queue.addUsed(entry.head(), 0);
      return true;
    }
    if (!limiter.consumeOperation(request.get().rateLimitedBytes())) {
      queue.undoPop();
      counters().increment("rate_limiter_throttled_events");
      return false;
    }
    queue.addUsed(entry.head(), execute(request.get()));
    return true;
  }

  /** Runs a request and writes its status; returns how many bytes the chain received. */
  private long execute(BlockRequest request) {
    int status =
        switch (request.type()) {
          case BlockRequest.T_IN -> transfer(request, true);
          case BlockRequest.T_OUT -> transfer(request, false);
          case BlockRequest.T_FLUSH -> flush();
          case BlockRequest.T_GET_ID -> getId(request);
          default -> refuse(S_UNSUPP);
        };
    memory().writeByte(request.status().address(), (byte) status);
    long toGuest = 0;
    if (status == S_OK && request.type() == BlockRequest.T_IN) {
      toGuest = request.dataLength();
    } else if (status == S_OK && request.type() == BlockRequest.T_GET_ID) {
      toGuest = ID_BYTES;
    }
    return toGuest + 1; // the status byte
  }

  private int transfer(BlockRequest request, boolean read) {
    long length = request.dataLength();
    if (length % SECTOR_SIZE != 0 || !inside(request.sector(), length / SECTOR_SIZE)) {
      return refuse(S_IOERR);
    }
    if (!read && config.readOnly()) {
      return refuse(S_IOERR);
    }
    GuestMemory memory = memory();
    long offset = request.sector() * SECTOR_SIZE;
    try {
      for (Descriptor d : request.data()) {
        ByteBuffer buffer = memory.slice(d.address(), d.length());
        if (read) {
          disk.read(offset, buffer);
        } else {
          disk.write(offset, buffer);
        }
        offset += d.length();
      }
    } catch (IOException e) {
      counters().increment("execute_fails");
      return S_IOERR;
    }
    counters().add(read ? "read_bytes" : "write_bytes", length);
    counters().increment(read ? "read_count" : "write_count");
    return S_OK;
  }

  /** Whether sectors {@code [sector, sector + count)} (sector unsigned) are on the disk. */
  private boolean inside(long sector, long count) {
    long capacity = disk.sectors();
    return Long.compareUnsigned(sector, capacity) <= 0 && count <= capacity - sector;
  }

  private int flush() {
    if (config.cacheType() == CacheType.WRITEBACK) {
      try {
        disk.flush();
      } catch (IOException e) {
        counters().increment("execute_fails");
        return S_IOERR;
      }
    }
    counters().increment("flush_count");
    return S_OK;
  }

  private int getId(BlockRequest request) {
    if (request.dataLength() < ID_BYTES) {
      return refuse(S_IOERR);
    }
    GuestBuffers.scatter(memory(), request.data(), ByteBuffer.wrap(id));
    return S_OK;
  }

  /** A request the guest should not have sent: counted, answered with {@code status}. */
  private int refuse(int status) {
    counters().increment("invalid_reqs_count");
    return status;
  }
}
