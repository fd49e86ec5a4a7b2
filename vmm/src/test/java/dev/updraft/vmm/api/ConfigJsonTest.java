package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import dev.updraft.vmm.virtio.net.MacAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {
  private static JsonFields body(String json) {
    return JsonFields.of(Json.parse(json.getBytes()), "");
  }

  @Test
  void aFullDrive() {
    Drive drive =
        ConfigJson.drive(
            body(
                """
                {"drive_id": "rootfs", "path_on_host": "/img", "is_root_device": true,
                 "partuuid": "0eaa91a0-01", "is_read_only": true, "cache_type": "Writeback",
                 "io_engine": "Async",
                 "rate_limiter": {"bandwidth": {"size": 1000, "refill_time": 100},
                                  "ops": {"size": 10, "one_time_burst": 5, "refill_time": 50}}}
                """));
    assertThat(drive)
        .isEqualTo(
            new Drive(
                "rootfs",
                Path.of("/img"),
                true,
                "0eaa91a0-01",
                true,
                CacheType.WRITEBACK,
                IoEngine.ASYNC,
                new RateLimiterConfig(
                    new TokenBucketConfig(1000, 0, 100), new TokenBucketConfig(10, 5, 50))));
  }

  @Test
  void driveDefaultsAreFirecrackers() {
    Drive drive =
        ConfigJson.drive(
            body("{\"drive_id\": \"d\", \"path_on_host\": \"/img\", \"is_root_device\": false}"));
    assertThat(drive.isReadOnly()).isFalse();
    assertThat(drive.cacheType()).isEqualTo(CacheType.UNSAFE);
    assertThat(drive.ioEngine()).isEqualTo(IoEngine.SYNC);
    assertThat(drive.rateLimiter()).isNull();
  }

  @Test
  void requiredFieldsWrongTypesAndUnknownFieldsAreNamed() {
    assertThatThrownBy(
            () -> ConfigJson.drive(body("{\"drive_id\": \"d\", \"path_on_host\": \"/x\"}")))
        .isInstanceOf(JsonFieldException.class)
        .hasMessage("is_root_device: missing (expected: true or false)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body("{\"drive_id\": 7, \"path_on_host\": \"/x\", \"is_root_device\": true}")))
        .hasMessage("drive_id: 7 (expected: a string)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        "{\"drive_id\": \"d\", \"path_on_host\": \"/x\", \"is_root_device\": \"yes\"}")))
        .hasMessage("is_root_device: \"yes\" (expected: true or false)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        "{\"drive_id\": \"d\", \"path_on_host\": \"/x\", \"is_root_device\": true, \"direct_io\": true}")))
        .hasMessageStartingWith("direct_io: unknown field (expected one of: drive_id, partuuid,");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        "{\"drive_id\": \"d\", \"path_on_host\": \"/x\", \"is_root_device\": true, \"rate_limiter\": {\"ops\": {\"size\": 1}}}")))
        .hasMessage("rate_limiter.ops.refill_time: missing (expected: an integer)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        "{\"drive_id\": \"d\", \"path_on_host\": \"/x\", \"is_root_device\": true, \"rate_limiter\": {\"ops\": {\"size\": -1, \"refill_time\": 1}}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("rate_limiter.ops: size: -1 (expected: at least 0)");
    // As in Firecracker any refill time is taken here; only a device's limiter refuses one it
    // cannot count in nanoseconds, when InstanceStart or a PATCH makes it.
    assertThat(
            ConfigJson.tokenBucket(body("{\"size\": 1, \"refill_time\": " + Long.MAX_VALUE + "}")))
        .isEqualTo(new TokenBucketConfig(1, 0, Long.MAX_VALUE));
  }

  @Test
  void vhostUserDrivesAreRefusedClearly() {
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body("{\"drive_id\": \"d\", \"is_root_device\": false, \"socket\": \"/s\"}")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("vhost-user block devices (socket) are not supported by updraft yet");
  }

  @Test
  void machineConfiguration() {
    MachineConfig config =
        ConfigJson.machineConfig(
            body(
                "{\"vcpu_count\": 2, \"mem_size_mib\": 1024, \"smt\": true, \"huge_pages\": \"2M\", \"track_dirty_pages\": true}"));
    assertThat(config.vcpuCount()).isEqualTo(2);
    assertThat(config.hugePages()).isEqualTo(HugePages.HUGETLBFS_2M);
    assertThat(config.trackDirtyPages()).isTrue();
    assertThatThrownBy(
            () -> ConfigJson.machineConfig(body("{\"vcpu_count\": 1.5, \"mem_size_mib\": 1}")))
        .hasMessage("vcpu_count: 1.5 (expected: an integer)");
    assertThatThrownBy(
            () ->
                ConfigJson.machineConfig(
                    body("{\"vcpu_count\": 99999999999, \"mem_size_mib\": 1}")))
        .hasMessageStartingWith("vcpu_count: 99999999999 (expected: an integer from");
    assertThatThrownBy(
            () ->
                ConfigJson.machineConfig(
                    body("{\"vcpu_count\": 1, \"mem_size_mib\": 1, \"huge_pages\": \"1G\"}")))
        .hasMessage("huge_pages: \"1G\" (expected: one of None, Transparent, 2M)");
    assertThatThrownBy(
            () -> ConfigJson.machineConfig(body("{\"vcpu_count\": 0, \"mem_size_mib\": 1}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("vcpu_count: 0 (expected: 1 to 32)");
  }

  @Test
  void networkInterface() {
    NetworkInterface iface =
        ConfigJson.networkInterface(
            body(
                "{\"iface_id\": \"net1\", \"guest_mac\": \"06:00:AC:10:00:02\", \"host_dev_name\": \"tap0\", \"mtu\": 1500,"
                    + " \"tx_rate_limiter\": {\"bandwidth\": {\"size\": 1, \"refill_time\": 1}}}"));
    assertThat(iface.guestMac()).isEqualTo(MacAddress.parse("06:00:ac:10:00:02"));
    assertThat(iface.mtu()).isEqualTo(1500);
    assertThat(iface.rxRateLimiter()).isNull();
    assertThat(iface.txRateLimiter().bandwidth()).isEqualTo(new TokenBucketConfig(1, 0, 1));
    assertThatThrownBy(
            () ->
                ConfigJson.networkInterface(
                    body(
                        "{\"iface_id\": \"n\", \"host_dev_name\": \"tap0\", \"guest_mac\": \"nope\"}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "guest_mac: \"nope\" (expected: six hexadecimal octets like 06:00:ac:10:00:02)");
    assertThatThrownBy(() -> ConfigJson.networkInterface(body("{\"iface_id\": \"n\"}")))
        .hasMessage("host_dev_name: missing (expected: a string)");
  }

  @Test
  void loggerMetricsSerialAndEntropy() {
    assertThat(
            ConfigJson.logger(
                body("{\"log_path\": \"/l\", \"level\": \"debug\", \"show_level\": true}")))
        .isEqualTo(new LoggerConfig(Path.of("/l"), LogLevel.DEBUG, true, null, null));
    assertThatThrownBy(() -> ConfigJson.logger(body("{\"level\": \"Verbose\"}")))
        .hasMessageContaining("level: \"Verbose\"");
    assertThat(
            ConfigJson.metrics(
                body(
                    "{\"metrics_path\": \"/m\", \"emit_id\": true, \"properties\": {\"a\": \"b\"}}")))
        .isEqualTo(new MetricsConfig(Path.of("/m"), true, Map.of("a", "b")));
    assertThatThrownBy(
            () ->
                ConfigJson.metrics(body("{\"metrics_path\": \"/m\", \"properties\": {\"a\": 1}}")))
        .hasMessage("properties.a: 1 (expected: a string)");
    assertThat(
            ConfigJson.serial(
                body(
                    "{\"serial_out_path\": \"/s\", \"rate_limiter\": {\"size\": 10, \"refill_time\": 5}}")))
        .isEqualTo(new SerialConfig(Path.of("/s"), new TokenBucketConfig(10, 0, 5)));
    assertThat(ConfigJson.entropy(body("{}")).rateLimiter()).isNull();
  }

  @Test
  void documentsMustBeOneWellFormedObject() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1".getBytes()))
        .isInstanceOf(JsonFieldException.class)
        .hasMessageContaining("Unexpected end-of-input")
        .hasMessageNotContaining("REDACTED");
    assertThatThrownBy(() -> Json.parse("{\"a\": 1, \"a\": 2}".getBytes()))
        .hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> Json.parse("{} {}".getBytes()))
        .hasMessage("unexpected content after the JSON value at line 1 column 4");
    assertThatThrownBy(() -> JsonFields.of(Json.parse("[1]".getBytes()), ""))
        .hasMessage("document: [1] (expected: a JSON object)");
    assertThatThrownBy(() -> ConfigJson.bootSource(body("{\"kernel_image_path\": \"\"}")))
        .hasMessage("kernel_image_path: \"\" (expected: a file path)");
    assertThatThrownBy(() -> ConfigJson.bootSource(body("{\"kernel_image_path\": null}")))
        .hasMessage("kernel_image_path: null (expected: a string)");
  }

  @Test
  void hostileDocumentsAreRejectedWithoutExhaustingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> Json.parse(deep.getBytes()))
        .isInstanceOf(JsonFieldException.class)
        .hasMessageContaining("nesting depth");
    String longNumber = "{\"vcpu_count\": 1" + "0".repeat(5_000) + "}";
    assertThatThrownBy(() -> Json.parse(longNumber.getBytes()))
        .isInstanceOf(JsonFieldException.class)
        .hasMessageContaining("Number value length");
    assertThatThrownBy(() -> Json.parse(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0}))
        .isInstanceOf(JsonFieldException.class);
  }

  @Test
  void aFieldNameWithAControlCharacterStaysOnOneLine() {
    // Fuzz finding (ApiBodyFuzzTest): the name of an unknown field was quoted as sent, so a
    // "\r" or "\n" in it split the fault message and the log line that carries it.
    assertThatThrownBy(() -> ConfigJson.serial(body("{\"a\\r\\nb\": 1}")))
        .isInstanceOf(JsonFieldException.class)
        .hasMessage(
            "a\\u000d\\u000ab: unknown field (expected one of: serial_out_path, rate_limiter)");
  }

  /**
   * Firecracker's serde types refuse {@code null} for a plain bool, number, string or list and take
   * it as absent only for their {@code Option} fields; one case per kind of field.
   */
  @Test
  void nullIsRefusedWhereFirecrackersFieldIsNotOptional() {
    assertThatThrownBy(
            () ->
                ConfigJson.machineConfig(
                    body("{\"vcpu_count\": 1, \"mem_size_mib\": 128, \"smt\": null}")))
        .isInstanceOf(JsonFieldException.class)
        .hasMessage("smt: null (expected: true or false)");
    assertThatThrownBy(
            () ->
                ConfigJson.machineConfig(
                    body(
                        "{\"vcpu_count\": 1, \"mem_size_mib\": 128, \"track_dirty_pages\": null}")))
        .hasMessage("track_dirty_pages: null (expected: true or false)");
    assertThatThrownBy(
            () -> ConfigJson.machineConfig(body("{\"vcpu_count\": null, \"mem_size_mib\": 128}")))
        .hasMessage("vcpu_count: null (expected: an integer)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        "{\"drive_id\": \"d\", \"path_on_host\": \"/i\", \"is_root_device\": null}")))
        .hasMessage("is_root_device: null (expected: true or false)");
    assertThatThrownBy(
            () ->
                ConfigJson.mmdsConfig(
                    body("{\"network_interfaces\": [\"eth0\"], \"imds_compat\": null}")))
        .hasMessage("imds_compat: null (expected: true or false)");
    assertThatThrownBy(() -> ConfigJson.mmdsConfig(body("{\"network_interfaces\": null}")))
        .hasMessage("network_interfaces: null (expected: an array of strings)");
    assertThatThrownBy(
            () ->
                ConfigJson.drive(
                    body(
                        """
                        {"drive_id": "d", "path_on_host": "/i", "is_root_device": false,
                         "rate_limiter": {"bandwidth": {"size": null, "refill_time": 1}}}
                        """)))
        .hasMessage("rate_limiter.bandwidth.size: null (expected: an integer)");
    assertThatThrownBy(
            () -> ConfigJson.metrics(body("{\"metrics_path\": \"/m\", \"emit_id\": null}")))
        .hasMessage("emit_id: null (expected: true or false)");
    assertThatThrownBy(
            () ->
                SnapshotJson.snapshotLoad(
                    body(
                        "{\"snapshot_path\": \"/s\", \"mem_file_path\": \"/m\", \"resume_vm\": null}")))
        .hasMessage("resume_vm: null (expected: true or false)");
    assertThatThrownBy(() -> BalloonJson.startHinting(body("{\"acknowledge_on_stop\": null}")))
        .hasMessage("acknowledge_on_stop: null (expected: true or false)");
    assertThatThrownBy(
            () ->
                ConfigFile.steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"/k\"}, \"drives\": null}"
                        .getBytes()))
        .hasMessage("drives: null (expected: an array)");
  }

  @Test
  void nullIsAbsentWhereFirecrackersFieldIsOptional() {
    assertThat(
            ConfigJson.machineConfig(
                body("{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"cpu_template\": null}")))
        .isEqualTo(
            new MachineConfig(
                2,
                256,
                MachineConfig.DEFAULT.smt(),
                MachineConfig.DEFAULT.trackDirtyPages(),
                MachineConfig.DEFAULT.hugePages(),
                MachineConfig.DEFAULT.cpuTemplate()));
    assertThat(
            ConfigJson.machineConfigUpdate(
                body("{\"smt\": null, \"track_dirty_pages\": null, \"mem_size_mib\": 512}")))
        .isEqualTo(ConfigJson.machineConfigUpdate(body("{\"mem_size_mib\": 512}")));
    Drive drive =
        ConfigJson.drive(
            body(
                """
                {"drive_id": "d", "path_on_host": "/i", "is_root_device": false,
                 "partuuid": null, "is_read_only": null, "rate_limiter": null, "io_engine": null,
                 "socket": null}
                """));
    assertThat(drive.isReadOnly()).isFalse();
    assertThat(drive.rateLimiter()).isNull();
    assertThat(
            ConfigJson.rateLimiter(
                body(
                    "{\"bandwidth\": {\"size\": 1, \"one_time_burst\": null, \"refill_time\": 2},"
                        + " \"ops\": null}")))
        .isEqualTo(new RateLimiterConfig(new TokenBucketConfig(1, 0, 2), null));
    assertThat(
            ConfigJson.logger(
                body(
                    "{\"log_path\": null, \"level\": null, \"show_level\": null,"
                        + " \"show_log_origin\": null, \"module\": null}")))
        .isEqualTo(new LoggerConfig(null, null, null, null, null));
  }
}
