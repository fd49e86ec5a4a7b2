package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.config.ConfigException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary bodies for every PUT and PATCH endpoint of the API but MMDS (which has its own
 * targets); the first byte picks the endpoint, the rest is the body. Each body goes through the
 * route's parser, which must give an action or fail with the API's own exceptions and a non-blank
 * one-line message; endpoints without side effects on the host go through the dispatcher as well,
 * which must answer 204 or 400, never an internal error. Logger, metrics, snapshots and actions are
 * only parsed: executing them would create files at paths the fuzzer invents, or boot the VM.
 */
class ApiBodyFuzzTest {
  private record Endpoint(String method, String path, boolean execute) {}

  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("PUT", "/machine-config", true),
          new Endpoint("PATCH", "/machine-config", true),
          new Endpoint("PUT", "/boot-source", true),
          new Endpoint("PUT", "/drives/rootfs", true),
          new Endpoint("PATCH", "/drives/rootfs", true),
          new Endpoint("PUT", "/network-interfaces/eth0", true),
          new Endpoint("PATCH", "/network-interfaces/eth0", true),
          new Endpoint("PUT", "/vsock", true),
          new Endpoint("PUT", "/entropy", true),
          new Endpoint("PUT", "/serial", false),
          new Endpoint("PUT", "/logger", false),
          new Endpoint("PUT", "/metrics", false),
          new Endpoint("PUT", "/actions", false),
          new Endpoint("PATCH", "/vm", false),
          new Endpoint("PUT", "/snapshot/create", false),
          new Endpoint("PUT", "/snapshot/load", false),
          // Appended, so the seeds' first bytes (0..15) keep picking the endpoints they did.
          new Endpoint("PUT", "/pmem/p0", true),
          new Endpoint("PATCH", "/pmem/p0", true),
          new Endpoint("PUT", "/hotplug/memory", true),
          new Endpoint("PATCH", "/hotplug/memory", true));

  private static TestVmm vm;

  @BeforeAll
  static void aVmm() {
    vm = TestVmm.inTemporaryDirectory("api-body-fuzz");
  }

  @AfterAll
  static void close() {
    vm.close();
  }

  @FuzzTest(maxDuration = "5s")
  void body(byte[] data) {
    if (data.length < 2) {
      return;
    }
    Endpoint endpoint = ENDPOINTS.get(Byte.toUnsignedInt(data[0]) % ENDPOINTS.size());
    byte[] body = Arrays.copyOfRange(data, 1, data.length);
    Route route = Router.route(endpoint.method(), endpoint.path(), true);
    try {
      assertThat(route.parse(Json.parse(body))).isNotNull();
    } catch (ApiException | JsonFieldException | ConfigException e) {
      assertOneLine(e.getMessage());
    }
    if (!endpoint.execute()) {
      return;
    }
    ApiReply reply = vm.dispatcher.handle(endpoint.method(), endpoint.path(), body);
    assertThat(reply.status()).isIn(204, 400);
    if (reply.status() == 400) {
      assertOneLine(reply.faultMessage());
      assertThat(reply.faultMessage()).doesNotStartWith("Internal VMM error");
    }
  }

  private static void assertOneLine(String message) {
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
  }
}
