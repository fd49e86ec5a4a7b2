package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.core.TapBackend;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.testing.TapNamespace;
import dev.updraft.vmm.virtio.net.NetBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A real Linux TCP client against the MMDS network stack: curl, in a network namespace whose route
 * to 169.254.169.254 goes through a TAP, and on the TAP's other side the stack, fed the frames as
 * virtio-net feeds it a guest's (12-byte vnet header and all). Linux's ARP, TCP and curl's HTTP
 * then meet Firecracker's MMDS V2 rules: a token from PUT, metadata with it, 401 without.
 */
@Tag("root")
@EnabledIf(
    value = "dev.updraft.sys.Host#tapAvailable",
    disabledReason = "needs root and /dev/net/tun")
@NeedsProgram(value = "ip", debian = "iproute2")
@NeedsProgram(value = "curl", debian = "curl")
class MmdsCurlIT {
  private static final String MMDS = "http://169.254.169.254";
  private static final String METADATA =
      """
      {"latest": {"meta-data": {"ami-id": "ami-12345678", "reservation-id": "r-fea54097",
       "local-hostname": "ip-10-251-50-12.ec2.internal"}}}
      """;

  private TapNamespace ns;
  private TapBackend tap;
  private final Counters counters = new Counters("mmds");
  private MmdsNetworkStack stack;
  private volatile boolean pumping = true;
  private Thread pump;

  @BeforeEach
  void wireATapToTheStack() throws Exception {
    ns = TapNamespace.create("updraft-mmds-" + ProcessHandle.current().pid());
    ns.route("169.254.169.254");
    tap = ns.inside(() -> TapBackend.open(TapNamespace.TAP));
    Mmds mmds = new Mmds(51200);
    mmds.put(JsonText.parse(METADATA.getBytes(StandardCharsets.UTF_8)));
    mmds.configure(MmdsVersion.V2, false, "mmds-curl-it");
    SplittableRandom isn = new SplittableRandom(new SecureRandom().nextLong());
    stack =
        new MmdsNetworkStack(
            MmdsNetworkStack.DEFAULT_ADDRESS, mmds, counters, System::nanoTime, isn::nextInt);
    pump = Thread.ofPlatform().name("tap-pump").start(this::pump);
  }

  @AfterEach
  void tearDown() throws Exception {
    pumping = false;
    pump.join(5_000);
    tap.close();
    ns.close();
  }

  /** What virtio-net does with a guest's frames, with the TAP in the guest's place. */
  private void pump() {
    ByteBuffer in = ByteBuffer.allocateDirect(65562);
    ByteBuffer out = ByteBuffer.allocateDirect(65562);
    try {
      while (pumping) {
        boolean busy = false;
        int read = tap.read(in.clear());
        if (read > 12) {
          busy = true;
          ByteBuffer frame = in.slice(12, read - 12);
          if (stack.claims(frame)) {
            stack.accept(frame, (in.get(0) & 1) != 0);
          }
        }
        int length;
        while ((length = stack.nextFrame(out.clear().slice(12, out.capacity() - 12))) > 0) {
          busy = true;
          for (int i = 0; i < 12; i++) {
            out.put(i, (byte) 0);
          }
          if (tap.write(out.limit(12 + length)) == NetBackend.WOULD_BLOCK) {
            counters.increment("test_tap_full");
          }
        }
        if (!busy) {
          Thread.sleep(1);
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("the pump failed", e);
    }
  }

  private String curl(String... args) throws Exception {
    String[] command = new String[args.length + 4];
    command[0] = "curl";
    command[1] = "-sS";
    command[2] = "-m";
    command[3] = "20";
    System.arraycopy(args, 0, command, 4, args.length);
    return ns.run(command);
  }

  @Test
  void curlGetsATokenAndTheMetadataAndIsRefusedWithoutOne() throws Exception {
    String token =
        curl("-X", "PUT", MMDS + "/latest/api/token", "-H", "X-metadata-token-ttl-seconds: 21600");
    assertThat(token).matches("[A-Za-z0-9+/=]{48}");
    assertThat(curl("-H", "X-metadata-token: " + token, MMDS + "/latest/meta-data/ami-id"))
        .isEqualTo("ami-12345678");
    assertThat(curl("-H", "X-metadata-token: " + token, MMDS + "/latest/meta-data/"))
        .isEqualTo("ami-id\nreservation-id\nlocal-hostname");
    assertThat(
            curl(
                "-H",
                "X-metadata-token: " + token,
                "-H",
                "Accept: application/json",
                MMDS + "/latest/meta-data/reservation-id"))
        .isEqualTo("\"r-fea54097\"");
    assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", MMDS + "/latest/meta-data/ami-id"))
        .isEqualTo("401");
    assertThat(
            curl(
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-H",
                "X-metadata-token: " + token,
                MMDS + "/latest/nothing"))
        .isEqualTo("404");

    pumping = false;
    pump.join(5_000);
    assertThat(counters.snapshot())
        .containsEntry("rx_accepted_err", 0L)
        .containsEntry("tx_errors", 0L)
        .containsEntry("rx_no_token", 1L);
    assertThat(counters.snapshot().get("connections_created")).isEqualTo(6);
    assertThat(counters.snapshot().get("tx_frames")).isGreaterThan(12);
    assertThat(counters.snapshot().getOrDefault("test_tap_full", 0L)).isZero();
  }
}
