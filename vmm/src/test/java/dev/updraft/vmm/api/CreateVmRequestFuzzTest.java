package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.ResourceId;

/**
 * Arbitrary bodies for {@code POST /vms} on serve's management API: a request whose id is a valid
 * resource id and whose console path is absolute, or a one-line error naming a field; never any
 * other exception, which would reach the client as an internal error.
 */
class CreateVmRequestFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void body(byte[] data) {
    CreateVmRequest request;
    try {
      request = CreateVmRequest.parse(data);
    } catch (JsonFieldException | ConfigException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return;
    }
    assertThat(ResourceId.check("id", request.id())).isEqualTo(request.id());
    if (request.serialOutPath() != null) {
      assertThat(request.serialOutPath().isAbsolute()).isTrue();
    }
  }
}
