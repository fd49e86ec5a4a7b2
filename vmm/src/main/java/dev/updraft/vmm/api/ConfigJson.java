package dev.updraft.vmm.api;

import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.DriveUpdate;
import dev.updraft.vmm.config.EntropyConfig;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MachineConfigUpdate;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.NetworkInterfaceUpdate;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.PmemUpdate;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.dumbo.Ipv4Address;
import dev.updraft.vmm.mmds.MmdsVersion;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import dev.updraft.vmm.virtio.net.MacAddress;

/**
 * Firecracker's JSON bodies (the swagger's definitions) into configuration records. The same
 * readers serve API requests and the sections of a {@code --config-file}. The fields each reader
 * declares nullable are the {@code Option} fields of Firecracker's types; a {@code null} anywhere
 * else is refused, as Firecracker refuses it.
 */
final class ConfigJson {
  private ConfigJson() {}

  /** {@code MachineConfiguration} for PUT: every field, omitted optional ones at their defaults. */
  static MachineConfig machineConfig(JsonFields f) {
    f.only(MACHINE_FIELDS).nullable("cpu_template");
    MachineConfig defaults = MachineConfig.DEFAULT;
    return f.build(
        () ->
            new MachineConfig(
                f.requiredInt32("vcpu_count"),
                f.requiredInt32("mem_size_mib"),
                f.bool("smt", defaults.smt()),
                f.bool("track_dirty_pages", defaults.trackDirtyPages()),
                orDefault(f.wireEnum("huge_pages", HugePages.class), defaults.hugePages()),
                orDefault(f.wireEnum("cpu_template", CpuTemplate.class), defaults.cpuTemplate())));
  }

  /** {@code MachineConfiguration} for PATCH: only what the body names. */
  static MachineConfigUpdate machineConfigUpdate(JsonFields f) {
    f.only(MACHINE_FIELDS).nullable(MACHINE_FIELDS);
    return new MachineConfigUpdate(
        f.int32("vcpu_count"),
        f.int32("mem_size_mib"),
        f.bool("smt"),
        f.bool("track_dirty_pages"),
        f.wireEnum("huge_pages", HugePages.class),
        f.wireEnum("cpu_template", CpuTemplate.class));
  }

  private static final String[] MACHINE_FIELDS = {
    "vcpu_count", "mem_size_mib", "smt", "track_dirty_pages", "huge_pages", "cpu_template"
  };

  static BootSource bootSource(JsonFields f) {
    f.only("kernel_image_path", "initrd_path", "boot_args").nullable("initrd_path", "boot_args");
    return f.build(
        () ->
            new BootSource(
                f.requiredPath("kernel_image_path"), f.path("initrd_path"), f.string("boot_args")));
  }

  /** {@code Drive}; a vhost-user {@code socket} is recognised but not supported. */
  static Drive drive(JsonFields f) {
    f.only(
            "drive_id",
            "partuuid",
            "is_root_device",
            "cache_type",
            "is_read_only",
            "path_on_host",
            "rate_limiter",
            "io_engine",
            "socket")
        .nullable(
            "partuuid", "is_read_only", "path_on_host", "rate_limiter", "io_engine", "socket");
    if (f.has("socket")) {
      throw new ApiException(
          "The requested operation is not supported: vhost-user block devices (socket) are not"
              + " supported by updraft yet");
    }
    String driveId = f.requiredString("drive_id");
    boolean root = f.requiredBool("is_root_device");
    return f.build(
        () ->
            new Drive(
                driveId,
                f.requiredPath("path_on_host"),
                root,
                f.string("partuuid"),
                f.bool("is_read_only", false),
                orDefault(
                    f.wireEnum("cache_type", CacheType.class, CacheType::wireName),
                    CacheType.UNSAFE),
                orDefault(f.wireEnum("io_engine", IoEngine.class), IoEngine.SYNC),
                rateLimiter(f.object("rate_limiter"))));
  }

  static DriveUpdate driveUpdate(JsonFields f) {
    f.only("drive_id", "path_on_host", "rate_limiter").nullable("path_on_host", "rate_limiter");
    String driveId = f.requiredString("drive_id");
    return f.build(
        () ->
            new DriveUpdate(
                driveId, f.path("path_on_host"), rateLimiter(f.object("rate_limiter"))));
  }

  static NetworkInterface networkInterface(JsonFields f) {
    f.only("iface_id", "host_dev_name", "guest_mac", "mtu", "rx_rate_limiter", "tx_rate_limiter")
        .nullable("guest_mac", "mtu", "rx_rate_limiter", "tx_rate_limiter");
    String ifaceId = f.requiredString("iface_id");
    String hostDevName = f.requiredString("host_dev_name");
    String mac = f.string("guest_mac");
    return f.build(
        () ->
            new NetworkInterface(
                ifaceId,
                hostDevName,
                mac == null ? null : ConfigException.checking(() -> MacAddress.parse(mac)),
                f.int32("mtu"),
                rateLimiter(f.object("rx_rate_limiter")),
                rateLimiter(f.object("tx_rate_limiter"))));
  }

  static NetworkInterfaceUpdate networkInterfaceUpdate(JsonFields f) {
    f.only("iface_id", "rx_rate_limiter", "tx_rate_limiter")
        .nullable("rx_rate_limiter", "tx_rate_limiter");
    String ifaceId = f.requiredString("iface_id");
    return f.build(
        () ->
            new NetworkInterfaceUpdate(
                ifaceId,
                rateLimiter(f.object("rx_rate_limiter")),
                rateLimiter(f.object("tx_rate_limiter"))));
  }

  /** {@code RateLimiter}, or null if {@code f} is null (the field was absent). */
  static RateLimiterConfig rateLimiter(JsonFields f) {
    if (f == null) {
      return null;
    }
    f.only("bandwidth", "ops").nullable("bandwidth", "ops");
    return new RateLimiterConfig(tokenBucket(f.object("bandwidth")), tokenBucket(f.object("ops")));
  }

  /** {@code TokenBucket}, or null if {@code f} is null. */
  static TokenBucketConfig tokenBucket(JsonFields f) {
    if (f == null) {
      return null;
    }
    f.only("size", "one_time_burst", "refill_time").nullable("one_time_burst");
    long size = f.requiredInt64("size");
    long refillTime = f.requiredInt64("refill_time");
    long burst = f.int64("one_time_burst", 0);
    return f.build(
        () -> ConfigException.checking(() -> new TokenBucketConfig(size, burst, refillTime)));
  }

  /** {@code Pmem}: Firecracker's serde struct denies unknown fields; the flags default to false. */
  static PmemConfig pmem(JsonFields f) {
    f.only("id", "path_on_host", "root_device", "read_only", "rate_limiter");
    String id = f.requiredString("id");
    return f.build(
        () ->
            new PmemConfig(
                id,
                f.requiredPath("path_on_host"),
                f.bool("root_device", false),
                f.bool("read_only", false),
                rateLimiter(f.object("rate_limiter"))));
  }

  /** {@code PartialPmem}: the id and a new rate limiter. */
  static PmemUpdate pmemUpdate(JsonFields f) {
    f.only("id", "rate_limiter");
    String id = f.requiredString("id");
    return f.build(() -> new PmemUpdate(id, rateLimiter(f.object("rate_limiter"))));
  }

  static EntropyConfig entropy(JsonFields f) {
    f.only("rate_limiter").nullable("rate_limiter");
    return f.build(() -> new EntropyConfig(rateLimiter(f.object("rate_limiter"))));
  }

  static SerialConfig serial(JsonFields f) {
    f.only("serial_out_path", "rate_limiter").nullable("serial_out_path", "rate_limiter");
    return f.build(
        () -> new SerialConfig(f.path("serial_out_path"), tokenBucket(f.object("rate_limiter"))));
  }

  /** {@code Vsock}: {@code vsock_id} is deprecated and accepted (the dispatcher warns). */
  static VsockConfig vsock(JsonFields f) {
    f.only("vsock_id", "guest_cid", "uds_path").nullable("vsock_id");
    String vsockId = f.string("vsock_id");
    long guestCid = f.requiredInt64("guest_cid");
    return f.build(() -> new VsockConfig(vsockId, guestCid, f.requiredPath("uds_path")));
  }

  /**
   * {@code MmdsConfig}: version V1 (the default) or V2, the address defaulting as Firecracker's.
   */
  static MmdsConfig mmdsConfig(JsonFields f) {
    f.only("version", "network_interfaces", "ipv4_address", "imds_compat").nullable("ipv4_address");
    MmdsVersion version =
        orDefault(f.wireEnum("version", MmdsVersion.class, MmdsVersion::wireName), MmdsVersion.V1);
    java.util.List<String> interfaces = f.requiredStrings("network_interfaces");
    String address = f.string("ipv4_address");
    boolean imdsCompat = f.bool("imds_compat", false);
    return f.build(
        () ->
            new MmdsConfig(
                version,
                interfaces,
                address == null
                    ? MmdsConfig.DEFAULT_ADDRESS
                    : ConfigException.checking(() -> Ipv4Address.parse("ipv4_address", address)),
                imdsCompat));
  }

  static LoggerConfig logger(JsonFields f) {
    String[] fields = {"log_path", "level", "show_level", "show_log_origin", "module"};
    f.only(fields).nullable(fields);
    String level = f.string("level");
    return f.build(
        () ->
            new LoggerConfig(
                f.path("log_path"),
                level == null ? null : LogLevel.parse("level", level),
                f.bool("show_level"),
                f.bool("show_log_origin"),
                f.string("module")));
  }

  static MetricsConfig metrics(JsonFields f) {
    f.only("metrics_path", "emit_id", "properties").nullable("properties");
    return f.build(
        () ->
            new MetricsConfig(
                f.requiredPath("metrics_path"),
                f.bool("emit_id", false),
                f.stringMap("properties")));
  }

  private static <T> T orDefault(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
