package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.EntropyConfig;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.MmdsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import java.nio.file.Path;

/**
 * Configuration records as Firecracker's JSON ({@code GET /machine-config}, {@code GET
 * /vm/config}). The output of {@link #fullConfig} is a valid {@code --config-file}.
 */
final class ConfigJsonWriter {
  private ConfigJsonWriter() {}

  static ObjectNode fullConfig(VmmData.FullVmConfig config) {
    VmResources resources = config.resources();
    ObjectNode json = Json.object();
    json.set("balloon", resources.balloon() == null ? null : balloon(resources.balloon()));
    ArrayNode drives = json.putArray("drives");
    resources.drives().forEach(d -> drives.add(drive(d)));
    json.set(
        "boot-source", resources.bootSource() == null ? null : bootSource(resources.bootSource()));
    json.putNull("cpu-config");
    json.set("logger", config.logger() == null ? null : logger(config.logger()));
    json.set("machine-config", machineConfig(resources.machine()));
    json.set("metrics", config.metrics() == null ? null : metrics(config.metrics()));
    json.set(
        "mmds-config", resources.mmdsConfig() == null ? null : mmdsConfig(resources.mmdsConfig()));
    ArrayNode nets = json.putArray("network-interfaces");
    resources.networkInterfaces().forEach(n -> nets.add(networkInterface(n)));
    json.set("vsock", resources.vsock() == null ? null : vsock(resources.vsock()));
    json.set("entropy", resources.entropy() == null ? null : entropy(resources.entropy()));
    ArrayNode pmem = json.putArray("pmem");
    resources.pmem().forEach(p -> pmem.add(pmem(p)));
    json.set(
        "memory-hotplug",
        resources.memoryHotplug() == null
            ? null
            : MemoryHotplugJson.writeConfig(resources.memoryHotplug()));
    if (resources.serial() != null) {
      json.set("serial", serial(resources.serial()));
    }
    return json;
  }

  static ObjectNode machineConfig(MachineConfig config) {
    ObjectNode json = Json.object();
    json.put("vcpu_count", config.vcpuCount());
    json.put("mem_size_mib", config.memSizeMib());
    json.put("smt", config.smt());
    if (config.cpuTemplate() != CpuTemplate.NONE) {
      json.put("cpu_template", config.cpuTemplate().wireName());
    }
    json.put("track_dirty_pages", config.trackDirtyPages());
    json.put("huge_pages", config.hugePages().wireName());
    return json;
  }

  static ObjectNode bootSource(BootSource source) {
    ObjectNode json = Json.object();
    json.put("kernel_image_path", source.kernelImagePath().toString());
    json.put("initrd_path", text(source.initrdPath()));
    json.put("boot_args", source.bootArgs());
    return json;
  }

  static ObjectNode drive(Drive drive) {
    ObjectNode json = Json.object();
    json.put("drive_id", drive.driveId());
    json.put("partuuid", drive.partuuid());
    json.put("is_root_device", drive.isRootDevice());
    json.put("cache_type", drive.cacheType().wireName());
    json.put("is_read_only", drive.isReadOnly());
    json.put("path_on_host", drive.pathOnHost().toString());
    json.set("rate_limiter", rateLimiter(drive.rateLimiter()));
    json.put("io_engine", drive.ioEngine().wireName());
    json.putNull("socket");
    return json;
  }

  /** Firecracker's {@code PmemConfig} as serde writes it: every field, the limiter null if none. */
  static ObjectNode pmem(PmemConfig pmem) {
    ObjectNode json = Json.object();
    json.put("id", pmem.id());
    json.put("path_on_host", pmem.pathOnHost().toString());
    json.put("root_device", pmem.rootDevice());
    json.put("read_only", pmem.readOnly());
    json.set("rate_limiter", rateLimiter(pmem.rateLimiter()));
    return json;
  }

  static ObjectNode networkInterface(NetworkInterface iface) {
    ObjectNode json = Json.object();
    json.put("iface_id", iface.ifaceId());
    json.put("host_dev_name", iface.hostDevName());
    json.put("guest_mac", iface.guestMac() == null ? null : iface.guestMac().toString());
    if (iface.mtu() != null) {
      json.put("mtu", iface.mtu());
    }
    json.set("rx_rate_limiter", rateLimiter(iface.rxRateLimiter()));
    json.set("tx_rate_limiter", rateLimiter(iface.txRateLimiter()));
    return json;
  }

  /** {@code Vsock} as Firecracker reports it: without the deprecated {@code vsock_id}. */
  static ObjectNode vsock(VsockConfig vsock) {
    ObjectNode json = Json.object();
    json.put("guest_cid", vsock.guestCid());
    json.put("uds_path", vsock.udsPath().toString());
    return json;
  }

  static ObjectNode mmdsConfig(MmdsConfig mmds) {
    ObjectNode json = Json.object();
    json.put("version", mmds.version().wireName());
    ArrayNode interfaces = json.putArray("network_interfaces");
    mmds.networkInterfaces().forEach(interfaces::add);
    json.put("ipv4_address", mmds.ipv4Address().toString());
    json.put("imds_compat", mmds.imdsCompat());
    return json;
  }

  /** {@code Balloon}. */
  static ObjectNode balloon(BalloonConfig config) {
    ObjectNode json = Json.object();
    json.put("amount_mib", config.amountMib());
    json.put("deflate_on_oom", config.deflateOnOom());
    json.put("stats_polling_interval_s", config.statsPollingIntervalS());
    json.put("free_page_hinting", config.freePageHinting());
    json.put("free_page_reporting", config.freePageReporting());
    return json;
  }

  static ObjectNode entropy(EntropyConfig entropy) {
    ObjectNode json = Json.object();
    json.set("rate_limiter", rateLimiter(entropy.rateLimiter()));
    return json;
  }

  static ObjectNode serial(SerialConfig serial) {
    ObjectNode json = Json.object();
    json.put("serial_out_path", text(serial.serialOutPath()));
    json.set("rate_limiter", tokenBucket(serial.rateLimiter()));
    return json;
  }

  static ObjectNode logger(LoggerConfig logger) {
    ObjectNode json = Json.object();
    json.put("log_path", text(logger.logPath()));
    json.put("level", logger.level() == null ? null : logger.level().wireName());
    json.put("show_level", logger.showLevel());
    json.put("show_log_origin", logger.showLogOrigin());
    json.put("module", logger.module());
    return json;
  }

  static ObjectNode metrics(MetricsConfig metrics) {
    ObjectNode json = Json.object();
    json.put("metrics_path", metrics.metricsPath().toString());
    json.put("emit_id", metrics.emitId());
    if (!metrics.properties().isEmpty()) {
      ObjectNode properties = json.putObject("properties");
      metrics.properties().forEach(properties::put);
    }
    return json;
  }

  /** {@code RateLimiter}, or null for none. */
  static ObjectNode rateLimiter(RateLimiterConfig limiter) {
    if (limiter == null) {
      return null;
    }
    ObjectNode json = Json.object();
    json.set("bandwidth", tokenBucket(limiter.bandwidth()));
    json.set("ops", tokenBucket(limiter.ops()));
    return json;
  }

  static ObjectNode tokenBucket(TokenBucketConfig bucket) {
    if (bucket == null) {
      return null;
    }
    ObjectNode json = Json.object();
    json.put("size", bucket.size());
    json.put("one_time_burst", bucket.oneTimeBurst());
    json.put("refill_time", bucket.refillTimeMs());
    return json;
  }

  private static String text(Path path) {
    return path == null ? null : path.toString();
  }
}
