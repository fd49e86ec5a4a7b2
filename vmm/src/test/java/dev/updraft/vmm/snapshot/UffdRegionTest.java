package dev.updraft.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UffdRegionTest {
  @Test
  void theMessageHasFirecrackersFieldsIncludingTheDeprecatedOne() {
    List<UffdRegion> regions =
        List.of(
            new UffdRegion(0x7f00_0000_0000L, 1L << 30, 0, 4096),
            new UffdRegion(0x7f10_0000_0000L, 1L << 20, 1L << 30, 4096));
    String json = new String(UffdRegion.encode(regions), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "[{\"base_host_virt_addr\":139637976727552,\"size\":1073741824,\"offset\":0,"
                + "\"page_size\":4096,\"page_size_kib\":4096},"
                + "{\"base_host_virt_addr\":139706696204288,\"size\":1048576,"
                + "\"offset\":1073741824,\"page_size\":4096,\"page_size_kib\":4096}]");
    assertThat(UffdRegion.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(regions);
  }

  @Test
  void aHandlerTakesUnknownFieldsAndRefusesMissingOnes() {
    byte[] extra =
        "[{\"size\":4096,\"offset\":0,\"page_size\":4096,\"base_host_virt_addr\":8192,\"x\":[1]}]"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(UffdRegion.decode(extra)).containsExactly(new UffdRegion(8192, 4096, 0, 4096));
    assertThat(UffdRegion.decode(extra).get(0).contains(8192 + 4095)).isTrue();
    assertThat(UffdRegion.decode(extra).get(0).contains(8192 + 4096)).isFalse();
    assertThatThrownBy(() -> UffdRegion.decode("[{\"size\":1}]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("base_host_virt_addr, size, offset and page_size are required");
    assertThatThrownBy(() -> UffdRegion.decode("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("expected: a JSON array of regions");
  }
}
