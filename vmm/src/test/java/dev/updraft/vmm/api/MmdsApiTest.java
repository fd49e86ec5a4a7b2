package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.mmds.MmdsVersion;
import org.junit.jupiter.api.Test;

/** {@code /mmds} and {@code /mmds/config}: Firecracker's bodies, rules, statuses and messages. */
class MmdsApiTest extends OnTestVmm {
  private void withInterface(String id) {
    assertThat(
            vm.put(
                    "/network-interfaces/" + id,
                    "{\"iface_id\": \"" + id + "\", \"host_dev_name\": \"tap_" + id + "\"}")
                .status())
        .isEqualTo(204);
  }

  @Test
  void theDocumentIsPutPatchedAndReadBeforeBoot() {
    assertThat(vm.get("/mmds").body()).as("an empty store reads as {}").isEqualTo("{}");
    assertThat(
            vm.put("/mmds", "{\"latest\": {\"meta-data\": {\"ami-id\": \"ami-1\", \"x\": 1}}}")
                .status())
        .isEqualTo(204);
    assertThat(
            vm.patch("/mmds", "{\"latest\": {\"meta-data\": {\"ami-id\": \"ami-2\", \"x\": null}}}")
                .status())
        .isEqualTo(204);
    assertThat(vm.get("/mmds").body())
        .isEqualTo("{\"latest\":{\"meta-data\":{\"ami-id\":\"ami-2\"}}}");
    assertThat(vm.get("/mmds/latest").body())
        .as("Firecracker reads only the first segment")
        .isEqualTo(vm.get("/mmds").body());
    assertThat(vm.put("/mmds", "\"just a string\"").status()).as("any JSON value").isEqualTo(204);
    assertThat(vm.get("/mmds").body()).isEqualTo("\"just a string\"");
    assertThat(vm.logText()).as("the metadata is never logged").doesNotContain("ami-2");
    assertThat(vm.metrics.putRequests().snapshot()).containsEntry("mmds_count", 2L);
    assertThat(vm.metrics.patchRequests().snapshot()).containsEntry("mmds_count", 1L);
    assertThat(vm.metrics.getRequests().snapshot()).containsEntry("mmds_count", 5L);
  }

  @Test
  void aDocumentOverTheLimitIs413() {
    String big = "{\"blob\": \"" + "x".repeat(VmmOptions.DEFAULT_MAX_PAYLOAD) + "\"}";
    ApiReply reply = vm.put("/mmds", big);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.statusLine()).isEqualTo("413 Payload Too Large");
    assertThat(TestVmm.json(reply).get("fault_message").asText())
        .startsWith("MMDS limit exceeded error: The MMDS patch request doesn't fit");
    assertThat(vm.metrics.putRequests().snapshot()).containsEntry("mmds_fails", 1L);
  }

  @Test
  void patchingBeforeAnyPutIsRefused() {
    assertThat(TestVmm.fault(vm.patch("/mmds", "{\"a\": 1}")))
        .isEqualTo("MMDS error: The MMDS data store is not initialized.");
  }

  @Test
  void theConfigNamesConfiguredInterfacesAndALinkLocalAddress() {
    withInterface("eth0");
    ApiReply v1 = vm.put("/mmds/config", "{\"network_interfaces\": [\"eth0\"]}");
    assertThat(v1.status()).isEqualTo(204);
    assertThat(v1.deprecated()).as("V1 is deprecated").isTrue();
    assertThat(vm.logText()).contains("PUT /mmds/config: V1 is deprecated. Use V2 instead.");
    ApiReply v2 =
        vm.put(
            "/mmds/config",
            "{\"version\": \"V2\", \"network_interfaces\": [\"eth0\"], \"ipv4_address\":"
                + " \"169.254.170.2\", \"imds_compat\": true}");
    assertThat(v2.status()).isEqualTo(204);
    assertThat(v2.deprecated()).isFalse();
    JsonNode config = TestVmm.json(vm.get("/vm/config")).get("mmds-config");
    assertThat(Json.write(config))
        .isEqualTo(
            "{\"version\":\"V2\",\"network_interfaces\":[\"eth0\"],\"ipv4_address\":"
                + "\"169.254.170.2\",\"imds_compat\":true}");

    assertThat(TestVmm.fault(vm.put("/mmds/config", "{\"network_interfaces\": [\"eth9\"]}")))
        .isEqualTo(
            "MMDS config error: network_interfaces: \"eth9\" (expected: the id of a configured"
                + " network interface)");
    assertThat(TestVmm.fault(vm.put("/mmds/config", "{\"network_interfaces\": []}")))
        .contains("network_interfaces: [] (expected: the id of at least one network interface)");
    assertThat(TestVmm.fault(vm.put("/mmds/config", "{\"version\": \"V2\"}")))
        .contains("network_interfaces: missing");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/mmds/config",
                    "{\"network_interfaces\": [\"eth0\"], \"ipv4_address\": \"10.0.0.1\"}")))
        .contains("ipv4_address: 10.0.0.1 (expected: a link-local address");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/mmds/config",
                    "{\"network_interfaces\": [\"eth0\"], \"ipv4_address\": \"169.254.0.9\"}")))
        .contains("ipv4_address: 169.254.0.9");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/mmds/config", "{\"network_interfaces\": [\"eth0\"], \"version\": \"V3\"}")))
        .contains("version");
    assertThat(TestVmm.fault(vm.put("/mmds/other", "{}")))
        .isEqualTo("Unrecognized PUT request path `other`.");
  }

  @Test
  void theVmGetsTheStoreAndItStaysWritableAfterBoot() {
    withInterface("eth0");
    vm.put("/mmds/config", "{\"version\": \"V2\", \"network_interfaces\": [\"eth0\"]}");
    vm.put("/mmds", "{\"a\": 1}");
    vm.boot();
    VmResources started = vm.hypervisor.started().getFirst();
    assertThat(started.mmdsConfig().version()).isEqualTo(MmdsVersion.V2);
    assertThat(started.mmds()).isNotNull();
    assertThat(vm.patch("/mmds", "{\"b\": 2}").status()).isEqualTo(204);
    assertThat(Json.write(started.mmds().data()))
        .as("the VM's store")
        .isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(vm.get("/mmds").body()).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(TestVmm.fault(vm.put("/mmds/config", "{\"network_interfaces\": [\"eth0\"]}")))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
  }

  @Test
  void withoutAStoreBeforeBootThereIsNoneAfter() {
    vm.boot();
    for (ApiReply reply :
        new ApiReply[] {vm.get("/mmds"), vm.put("/mmds", "{}"), vm.patch("/mmds", "{}")}) {
      assertThat(TestVmm.fault(reply))
          .isEqualTo("MMDS error: The MMDS data store is not initialized.");
    }
  }
}
