package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.FakeHypervisor;
import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.MetricsWriter;
import dev.updraft.vmm.telemetry.StreamSink;
import dev.updraft.vmm.telemetry.VmmMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link Vmm} behind an {@link ApiDispatcher} on a fake hypervisor, with a kernel and a rootfs
 * file to point requests at; requests run on the VMM thread as in the server.
 */
final class TestVmm implements AutoCloseable {
  final FakeHypervisor hypervisor = new FakeHypervisor();
  final VmmMetrics metrics = new VmmMetrics();
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final Logger logger = new Logger("test-vm", new StreamSink(log), metrics.logger());
  final MetricsWriter metricsWriter = new MetricsWriter(metrics, "test-vm");
  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  final Vmm vmm;
  final ApiDispatcher dispatcher;
  final Path dir;
  final Path kernel;
  final Path rootfs;
  private boolean ownsDir;

  TestVmm(Path dir) {
    this(dir, Vmm.METRICS_PERIOD);
  }

  /** With metrics written every {@code metricsPeriod} after boot. */
  TestVmm(Path dir, Duration metricsPeriod) {
    this.dir = dir;
    vmm =
        new Vmm(
            "test-vm",
            VmResources.defaults(),
            hypervisor,
            logger,
            metrics,
            metricsWriter,
            executor,
            metricsPeriod,
            VmmOptions.DEFAULT_MAX_PAYLOAD);
    dispatcher = new ApiDispatcher(vmm);
    try {
      kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
      rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "rootfs");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ApiReply call(String method, String path, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    try {
      return executor.submit(() -> dispatcher.handle(method, path, bytes)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  ApiReply get(String path) {
    return call("GET", path, null);
  }

  ApiReply put(String path, String body) {
    return call("PUT", path, body);
  }

  ApiReply patch(String path, String body) {
    return call("PATCH", path, body);
  }

  /** The getting-started configuration: boot source, root drive, then InstanceStart. */
  void boot() {
    expectOk(put("/boot-source", "{\"kernel_image_path\": \"" + kernel + "\"}"));
    expectOk(
        put(
            "/drives/rootfs",
            "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
                + rootfs
                + "\", \"is_root_device\": true, \"is_read_only\": false}"));
    expectOk(put("/actions", "{\"action_type\": \"InstanceStart\"}"));
  }

  private static void expectOk(ApiReply reply) {
    if (reply.failed()) {
      throw new AssertionError("request failed: " + reply.body());
    }
  }

  /** A reply's JSON body. */
  static JsonNode json(ApiReply reply) {
    return Json.parse(reply.body().getBytes(StandardCharsets.UTF_8));
  }

  /** A 400's fault message. */
  static String fault(ApiReply reply) {
    assertThat(reply.status()).isEqualTo(400);
    return json(reply).get("fault_message").asText();
  }

  String logText() {
    return log.toString(StandardCharsets.UTF_8);
  }

  /**
   * A VMM in a new temporary directory, for tests that share one across methods (fuzz targets,
   * which JUnit's {@code @TempDir} does not serve per input); {@link #close} removes it.
   */
  static TestVmm inTemporaryDirectory(String prefix) {
    try {
      TestVmm vm = new TestVmm(Files.createTempDirectory(prefix));
      vm.ownsDir = true;
      return vm;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    if (ownsDir) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
