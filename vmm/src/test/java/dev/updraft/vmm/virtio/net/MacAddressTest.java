package dev.updraft.vmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {
  @Test
  void macAddressesRoundTrip() {
    MacAddress mac = MacAddress.parse("06:00:AC:10:00:02");
    assertThat(mac.toString()).isEqualTo("06:00:ac:10:00:02");
    assertThat(mac.octets()).containsExactly(0x06, 0x00, 0xac, 0x10, 0x00, 0x02);
    assertThat(MacAddress.of(mac.octets())).isEqualTo(mac);
    for (String bad :
        new String[] {
          "06:00:ac:10:00", "06:00:ac:10:00:0g", "0600ac100002", "6:0:a:1:0:2", "06:00:ac:10:00:02:"
        }) {
      assertThatThrownBy(() -> MacAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("guest_mac: \"" + bad + "\" (expected: six hexadecimal octets");
    }
  }

  @Test
  void holdsOnly48Bits() {
    assertThat(new MacAddress(0xFFFF_FFFF_FFFFL).toString()).isEqualTo("ff:ff:ff:ff:ff:ff");
    assertThatThrownBy(() -> new MacAddress(1L << 48))
        .hasMessage("mac: 0x1000000000000 (expected: 48 bits)");
    assertThatThrownBy(() -> MacAddress.of(new byte[5])).hasMessage("mac: 5 bytes (expected: 6)");
  }
}
