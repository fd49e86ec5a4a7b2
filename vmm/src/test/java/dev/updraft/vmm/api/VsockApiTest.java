package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code PUT /vsock}: Firecracker's body, its pre-boot rule and what updraft checks up front. */
class VsockApiTest extends OnTestVmm {
  private String body(long cid, Path path) {
    return "{\"guest_cid\": " + cid + ", \"uds_path\": \"" + path + "\"}";
  }

  @Test
  void aVsockDeviceIsConfiguredBeforeBootAndShownInTheConfig() {
    Path socket = dir.resolve("v.sock");
    assertThat(vm.put("/vsock", body(3, socket)).status()).isEqualTo(204);
    assertThat(vm.put("/vsock", body(42, socket)).status())
        .as("a second PUT replaces")
        .isEqualTo(204);
    JsonNode vsock = TestVmm.json(vm.get("/vm/config")).get("vsock");
    assertThat(vsock.get("guest_cid").asLong()).isEqualTo(42);
    assertThat(vsock.get("uds_path").asText()).isEqualTo(socket.toString());
    assertThat(vsock.has("vsock_id")).isFalse();
    assertThat(vm.metrics.putRequests().snapshot()).containsEntry("vsock_count", 2L);

    vm.boot();
    assertThat(vm.hypervisor.started().getFirst().vsock().guestCid()).isEqualTo(42);
    assertThat(TestVmm.fault(vm.put("/vsock", body(3, socket))))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
  }

  @Test
  void theDeprecatedVsockIdIsAcceptedWithAWarning() {
    ApiReply reply =
        vm.put(
            "/vsock",
            "{\"vsock_id\": \"vsock0\", \"guest_cid\": 3, \"uds_path\": \""
                + dir.resolve("v.sock")
                + "\"}");
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.deprecated()).isTrue();
    assertThat(vm.metrics.deprecatedApi().snapshot())
        .containsEntry("deprecated_http_api_calls", 1L);
    assertThat(vm.logText()).contains("PUT /vsock: vsock_id field is deprecated.");
  }

  @Test
  void badBodiesAreRefusedNamingTheField() throws Exception {
    Path socket = dir.resolve("v.sock");
    assertThat(TestVmm.fault(vm.put("/vsock", body(2, socket))))
        .isEqualTo(
            "Vsock config error: guest_cid: 2 (expected: 3 to 4294967295 (0 to 2 are reserved))");
    assertThat(TestVmm.fault(vm.put("/vsock", body(1L << 32, socket))))
        .contains("guest_cid: 4294967296");
    assertThat(TestVmm.fault(vm.put("/vsock", "{\"guest_cid\": 3}")))
        .contains("uds_path: missing (expected: a file path)");
    assertThat(
            TestVmm.fault(vm.put("/vsock", "{\"guest_cid\": 3, \"uds_path\": \"x\", \"cid\": 4}")))
        .contains("cid: unknown field");
    assertThat(TestVmm.fault(vm.put("/vsock", body(3, dir.resolve("d".repeat(100))))))
        .contains("so that <uds_path>_<port> fits a Unix socket address");

    Files.writeString(socket, "taken");
    assertThat(TestVmm.fault(vm.put("/vsock", body(3, socket))))
        .isEqualTo(
            "Vsock config error: uds_path: "
                + socket
                + " (expected: a path where nothing exists yet (the VMM creates the socket there))");
    assertThat(TestVmm.fault(vm.put("/vsock", body(3, dir.resolve("no/such/dir/v.sock")))))
        .contains("an existing directory");
    assertThat(vm.metrics.putRequests().snapshot()).containsEntry("vsock_fails", 7L);
  }

  @Test
  void theConfigFileTakesAVsockSection() {
    var steps =
        ConfigFile.steps(
            ("{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"vsock\": "
                    + body(3, dir.resolve("v.sock"))
                    + "}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(steps)
        .anySatisfy(
            s -> {
              assertThat(s.section()).isEqualTo("vsock");
              assertThat(s.action()).isInstanceOf(VmmAction.SetVsockDevice.class);
            });
  }
}
