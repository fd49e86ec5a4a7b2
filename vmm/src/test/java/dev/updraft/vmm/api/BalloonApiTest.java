package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.runtime.FakeVm;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code /balloon} and {@code /balloon/statistics}: Firecracker's bodies, rules and words. */
class BalloonApiTest extends OnTestVmm {
  private static String balloon(long amountMib, boolean deflateOnOom, int interval) {
    return "{\"amount_mib\": "
        + amountMib
        + ", \"deflate_on_oom\": "
        + deflateOnOom
        + ", \"stats_polling_interval_s\": "
        + interval
        + "}";
  }

  private FakeVm running() {
    return vm.hypervisor.vm();
  }

  @Test
  void aBalloonIsConfiguredBeforeBootAndShownInTheConfig() {
    assertThat(TestVmm.fault(vm.get("/balloon")))
        .isEqualTo("Balloon config error: No balloon device found.");
    assertThat(vm.put("/balloon", balloon(16, true, 0)).status()).isEqualTo(204);
    assertThat(vm.put("/balloon", "{\"amount_mib\": 32, \"deflate_on_oom\": false}").status())
        .as("a second PUT replaces; the interval defaults to 0")
        .isEqualTo(204);
    JsonNode got = TestVmm.json(vm.get("/balloon"));
    assertThat(got.get("amount_mib").asLong()).isEqualTo(32);
    assertThat(got.get("deflate_on_oom").asBoolean()).isFalse();
    assertThat(got.get("stats_polling_interval_s").asInt()).isZero();
    assertThat(got.get("free_page_hinting").asBoolean()).isFalse();
    assertThat(TestVmm.json(vm.get("/vm/config")).get("balloon")).isEqualTo(got);

    vm.boot();
    assertThat(vm.hypervisor.started().getFirst().balloon().amountMib()).isEqualTo(32);
    assertThat(TestVmm.fault(vm.put("/balloon", balloon(1, true, 0))))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
  }

  @Test
  void aTargetLargerThanTheMemoryIsRefused() {
    assertThat(vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").status())
        .isEqualTo(204);
    assertThat(TestVmm.fault(vm.put("/balloon", balloon(129, false, 0))))
        .isEqualTo(
            "Balloon config error: Amount of pages requested is too large. (amount_mib: 129,"
                + " expected: at most the 128 MiB of mem_size_mib)");
    assertThat(vm.put("/balloon", balloon(128, false, 0)).status()).isEqualTo(204);
  }

  @Test
  void badBodiesAreRefusedNamingTheField() {
    assertThat(TestVmm.fault(vm.put("/balloon", "{\"amount_mib\": 1}")))
        .contains("deflate_on_oom: missing (expected: true or false)");
    assertThat(TestVmm.fault(vm.put("/balloon", balloon(-1, false, 0))))
        .contains("amount_mib: -1 (expected: an integer from 0 to 4294967295)");
    assertThat(TestVmm.fault(vm.put("/balloon", balloon(1, false, 65536))))
        .contains("stats_polling_interval_s: 65536 (expected: an integer from 0 to 65535)");
    assertThat(
            TestVmm.fault(vm.put("/balloon", "{\"amount_mib\": 1, \"deflate_on_oom\": \"yes\"}")))
        .contains("deflate_on_oom: \"yes\" (expected: true or false)");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/balloon",
                    "{\"amount_mib\": 1, \"deflate_on_oom\": true, \"free_page_reporting\": 1}")))
        .contains("free_page_reporting: 1 (expected: true or false)");
    assertThat(
            TestVmm.fault(
                vm.put("/balloon", "{\"amount_mib\": 1, \"deflate_on_oom\": true, \"x\": 1}")))
        .contains("x: unknown field");
  }

  @Test
  void updatesAndStatisticsAreForAfterBoot() {
    vm.put("/balloon", balloon(0, false, 1));
    String notPreBoot = "The requested operation is not supported before starting the microVM.";
    assertThat(TestVmm.fault(vm.patch("/balloon", "{\"amount_mib\": 1}"))).isEqualTo(notPreBoot);
    assertThat(TestVmm.fault(vm.patch("/balloon/statistics", "{\"stats_polling_interval_s\": 2}")))
        .isEqualTo(notPreBoot);
    assertThat(TestVmm.fault(vm.get("/balloon/statistics"))).isEqualTo(notPreBoot);
  }

  @Test
  void afterBootTheTargetAndTheIntervalChangeAndStatisticsAreReported() {
    vm.put("/balloon", balloon(4, true, 5));
    vm.boot();
    assertThat(vm.patch("/balloon", "{\"amount_mib\": 64}").status()).isEqualTo(204);
    assertThat(vm.patch("/balloon/statistics", "{\"stats_polling_interval_s\": 2}").status())
        .isEqualTo(204);
    assertThat(running().calls()).contains("updateBalloon 64", "updateBalloonStatistics 2");
    JsonNode config = TestVmm.json(vm.get("/balloon"));
    assertThat(config.get("amount_mib").asLong()).isEqualTo(64);
    assertThat(config.get("stats_polling_interval_s").asInt()).isEqualTo(2);

    JsonNode stats = TestVmm.json(vm.get("/balloon/statistics"));
    assertThat(stats.get("target_pages").asLong()).isEqualTo(4 * 256);
    assertThat(stats.get("target_mib").asLong()).isEqualTo(4);
    assertThat(stats.get("actual_pages").asLong()).isZero();
    assertThat(stats.has("free_memory")).as("not reported by the guest yet").isFalse();

    assertThat(TestVmm.fault(vm.patch("/balloon/statistics", "{\"stats_polling_interval_s\": 0}")))
        .isEqualTo(
            "Balloon update error: Balloon: Statistics cannot be enabled/disabled after"
                + " activation.");
    assertThat(TestVmm.fault(vm.patch("/balloon", "{\"amount_mib\": -2}")))
        .contains("amount_mib: -2 (expected: an integer from 0 to 4294967295)");
  }

  @Test
  void withoutStatisticsOrWithoutABalloonTheRuntimeAnswersAsFirecracker() throws Exception {
    vm.put("/balloon", balloon(4, true, 0));
    vm.boot();
    assertThat(TestVmm.fault(vm.get("/balloon/statistics")))
        .isEqualTo("Internal VMM error: Balloon: Received stats query when stats are disabled.");

    TestVmm bare = new TestVmm(Files.createDirectories(dir.resolve("bare")));
    try {
      bare.boot();
      assertThat(TestVmm.fault(bare.patch("/balloon", "{\"amount_mib\": 1}")))
          .isEqualTo("Balloon update error: Failed perform action on device: Device not found");
      assertThat(TestVmm.fault(bare.get("/balloon")))
          .isEqualTo("Internal VMM error: Failed perform action on device: Device not found");
      assertThat(TestVmm.fault(bare.get("/balloon/statistics")))
          .isEqualTo("Internal VMM error: Failed perform action on device: Device not found");
    } finally {
      bare.close();
    }
  }

  private static final String WITH_HINTING =
      "{\"amount_mib\": 0, \"deflate_on_oom\": false, \"free_page_hinting\": true,"
          + " \"free_page_reporting\": true}";

  @Test
  void freePageHintingAndReportingAreConfiguredAndShown() {
    assertThat(vm.put("/balloon", WITH_HINTING).status()).isEqualTo(204);
    JsonNode got = TestVmm.json(vm.get("/balloon"));
    assertThat(got.get("free_page_hinting").asBoolean()).isTrue();
    assertThat(got.get("free_page_reporting").asBoolean()).isTrue();
    assertThat(TestVmm.json(vm.get("/vm/config")).get("balloon")).isEqualTo(got);
    String notPreBoot = "The requested operation is not supported before starting the microVM.";
    assertThat(TestVmm.fault(vm.patch("/balloon/hinting/start", "{}"))).isEqualTo(notPreBoot);
    assertThat(TestVmm.fault(vm.get("/balloon/hinting/status"))).isEqualTo(notPreBoot);
    assertThat(TestVmm.fault(vm.patch("/balloon/hinting/stop", "{}"))).isEqualTo(notPreBoot);

    vm.boot();
    var started = vm.hypervisor.started().getFirst().balloon();
    assertThat(started.freePageHinting()).isTrue();
    assertThat(started.freePageReporting()).isTrue();
    assertThat(
            TestVmm.json(vm.get("/vm/config")).get("balloon").get("free_page_hinting").asBoolean())
        .isTrue();
  }

  @Test
  void afterBootAHintingRunStartsReportsItsStatusAndStops() {
    vm.put("/balloon", WITH_HINTING);
    vm.boot();
    JsonNode before = TestVmm.json(vm.get("/balloon/hinting/status"));
    assertThat(before.get("host_cmd").asLong()).isZero();
    assertThat(before.get("guest_cmd").isNull()).as("the driver sent nothing yet").isTrue();
    assertThat(vm.patch("/balloon/hinting/start", "{\"acknowledge_on_stop\": false}").status())
        .isEqualTo(204);
    assertThat(TestVmm.json(vm.get("/balloon/hinting/status")).get("host_cmd").asLong())
        .isEqualTo(2);
    assertThat(vm.call("PATCH", "/balloon/hinting/stop", null).status())
        .as("Firecracker's guide sends no body")
        .isEqualTo(204);
    assertThat(TestVmm.json(vm.get("/balloon/hinting/status")).get("host_cmd").asLong())
        .isEqualTo(1);
    assertThat(vm.call("PATCH", "/balloon/hinting/start", null).status()).isEqualTo(204);
    assertThat(TestVmm.json(vm.get("/balloon/hinting/status")).get("host_cmd").asLong())
        .isEqualTo(3);
    assertThat(running().calls())
        .containsSubsequence(
            "balloonHintingStatus",
            "startBalloonHinting false",
            "balloonHintingStatus",
            "stopBalloonHinting",
            "startBalloonHinting true");
  }

  @Test
  void hintingRequestsWithoutHintingOrWithoutABalloonAnswerAsFirecracker() throws Exception {
    vm.put("/balloon", balloon(0, false, 0));
    vm.boot();
    String notEnabled = "Balloon update error: Balloon: Attempting to use hinting when not enabled";
    assertThat(TestVmm.fault(vm.patch("/balloon/hinting/start", "{}"))).isEqualTo(notEnabled);
    assertThat(TestVmm.fault(vm.get("/balloon/hinting/status"))).isEqualTo(notEnabled);
    assertThat(TestVmm.fault(vm.patch("/balloon/hinting/stop", "{}"))).isEqualTo(notEnabled);

    TestVmm bare = new TestVmm(Files.createDirectories(dir.resolve("bare")));
    try {
      bare.boot();
      String notFound = "Balloon update error: Failed perform action on device: Device not found";
      assertThat(TestVmm.fault(bare.patch("/balloon/hinting/start", "{}"))).isEqualTo(notFound);
      assertThat(TestVmm.fault(bare.get("/balloon/hinting/status"))).isEqualTo(notFound);
      assertThat(TestVmm.fault(bare.patch("/balloon/hinting/stop", "{}"))).isEqualTo(notFound);
    } finally {
      bare.close();
    }
  }

  @Test
  void theConfigFileTakesABalloonSection() {
    var steps =
        ConfigFile.steps(
            ("{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"balloon\": "
                    + balloon(8, true, 1)
                    + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(steps)
        .extracting(ConfigFile.Step::action)
        .contains(
            new VmmAction.SetBalloonDevice(new dev.updraft.vmm.config.BalloonConfig(8, true, 1)));
  }
}
