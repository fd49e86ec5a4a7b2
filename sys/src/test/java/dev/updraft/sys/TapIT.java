package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#tapAvailable",
    disabledReason = "needs root and /dev/net/tun to create TAP devices")
@NeedsProgram(value = "ip", debian = "iproute2")
class TapIT {
  private static final int VNET_HDR = 12;

  @Test
  void createsConfiguresUsesAndRemovesATapDevice() throws Exception {
    String name;
    try (Tap tap = Tap.open("updt%d", true, false)) {
      name = tap.name();
      assertThat(name).matches("updt\\d+");
      assertThat(Files.exists(sysfs(name))).isTrue();
      // tun_flags in sysfs: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (0x5002), as requested.
      assertThat(Integer.decode(Files.readString(sysfs(name).resolve("tun_flags")).trim()))
          .isEqualTo(0x5002);
      tap.setVnetHeaderSize(VNET_HDR);
      tap.setOffload(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4 | Tap.TUN_F_TSO6);

      run("ip", "link", "set", name, "up");
      ByteBuffer frame = ByteBuffer.allocate(VNET_HDR + 60);
      frame.position(VNET_HDR);
      frame.put(new byte[] {-1, -1, -1, -1, -1, -1}); // broadcast destination
      frame.put(new byte[] {0x02, 0, 0, 0, 0, 1}); // locally administered source
      frame.put(new byte[] {(byte) 0x88, (byte) 0xB5}); // local experimental EtherType
      frame.position(0).limit(frame.capacity());
      assertThat(tap.write(frame)).isEqualTo(VNET_HDR + 60);
      assertThat(rxPackets(name)).isEqualTo(1);
    }
    // A non-persistent TAP device goes away with its last descriptor.
    assertThat(Files.exists(sysfs(name))).isFalse();
  }

  private static Path sysfs(String name) {
    return Path.of("/sys/class/net", name);
  }

  private static long rxPackets(String name) throws Exception {
    return Long.parseLong(Files.readString(sysfs(name).resolve("statistics/rx_packets")).trim());
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
  }
}
