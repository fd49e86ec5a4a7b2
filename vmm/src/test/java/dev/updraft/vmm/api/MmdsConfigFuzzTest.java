package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary bodies for {@code PUT /mmds/config} through the API's dispatcher: 204, or 400 with a
 * fault message, never anything else; and a configuration that was taken reads back from {@code GET
 * /vm/config} as a body the same request takes again.
 */
class MmdsConfigFuzzTest {
  private static TestVmm vm;

  @BeforeAll
  static void aVmmWithAnInterface() {
    vm = TestVmm.inTemporaryDirectory("mmds-config-fuzz");
    vm.put("/network-interfaces/eth0", "{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap0\"}");
  }

  @AfterAll
  static void close() {
    vm.close();
  }

  @FuzzTest(maxDuration = "5s")
  void config(byte[] data) {
    ApiReply reply = vm.dispatcher.handle("PUT", "/mmds/config", data);
    if (data.length == 0) {
      assertThat(reply.status()).isEqualTo(400);
      return;
    }
    assertThat(reply.status()).isIn(204, 400);
    if (reply.status() == 400) {
      assertThat(reply.faultMessage()).isNotBlank();
      return;
    }
    String shown =
        Json.write(
            TestVmm.json(vm.dispatcher.handle("GET", "/vm/config", new byte[0]))
                .get("mmds-config"));
    assertThat(vm.dispatcher.handle("PUT", "/mmds/config", shown.getBytes()).status())
        .isEqualTo(204);
  }
}
