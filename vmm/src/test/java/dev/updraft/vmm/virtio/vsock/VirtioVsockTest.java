package dev.updraft.vmm.virtio.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.vsock.GuestVsock.Packet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioVsockTest {
  private static final int PORT = 52;
  private static final int GUEST_PORT = 1234;
  private static final int FIRST_HOST_PORT = 1 << 30;

  private final GuestVsock guest = new GuestVsock();

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The guest connects to host port 52 and the host process there accepts. */
  private FakeStream guestConnects() {
    guest.host.listenOn(PORT);
    guest.start().offer(8, 4096);
    guest.send(VsockOp.REQUEST, GUEST_PORT, PORT);
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RESPONSE);
    return guest.host.connectionsTo(PORT).getFirst();
  }

  @Test
  void offersItsFeaturesAndTheGuestCidReadOnly() {
    guest.start();
    assertThat(guest.driver.read(0x08)).as("device id").isEqualTo(19);
    assertThat(guest.driver.deviceFeatures()).isEqualTo(GuestVsock.FEATURES);
    byte[] config = guest.driver.readConfig(0, 8);
    assertThat(ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(3);
    guest.driver.writeConfig(0, new byte[] {9, 0, 0, 0});
    assertThat(guest.driver.readConfig(0, 1)[0]).isEqualTo((byte) 3);
    assertThat(guest.counter("cfg_fails")).isEqualTo(1);
    assertThat(guest.host.listening()).isTrue();
  }

  @Test
  void aGuestConnectionReachesTheHostSocketForItsPort() {
    FakeStream host = guestConnects();
    guest.send(VsockOp.RW, GUEST_PORT, PORT, text("hello"));
    assertThat(host.takeText()).isEqualTo("hello");

    host.send("world");
    List<Packet> packets = guest.received();
    assertThat(packets)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.op()).isEqualTo(VsockOp.RW);
              assertThat(p.text()).isEqualTo("world");
              assertThat(p.header().srcCid()).isEqualTo(2);
              assertThat(p.header().dstCid()).isEqualTo(3);
              assertThat(p.header().srcPort()).isEqualTo(PORT);
              assertThat(p.header().dstPort()).isEqualTo(GUEST_PORT);
              assertThat(p.header().bufAlloc()).isEqualTo(TxBuffer.SIZE);
              assertThat(p.header().fwdCnt()).as("bytes the host took").isEqualTo(5);
            });
    assertThat(guest.counter("conns_added")).isEqualTo(1);
    assertThat(guest.counter("tx_bytes_count")).isEqualTo(5);
    assertThat(guest.counter("rx_bytes_count")).isEqualTo(5);
  }

  @Test
  void aGuestConnectionToAPortNobodyListensOnIsReset() {
    guest.start().offer(2, 4096);
    guest.send(VsockOp.REQUEST, GUEST_PORT, 99);
    assertThat(guest.received())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.op()).isEqualTo(VsockOp.RST);
              assertThat(p.header().srcPort()).isEqualTo(99);
              assertThat(p.header().dstPort()).isEqualTo(GUEST_PORT);
            });
    assertThat(guest.device.connectionCount()).isZero();
  }

  @Test
  void aHostProcessConnectsWithConnectAndHearsOkOnceTheGuestAccepts() {
    guest.start().offer(8, 4096);
    FakeStream host = guest.host.connect().send("CONNECT 52\nearly");
    List<Packet> request = guest.received();
    assertThat(request)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.op()).isEqualTo(VsockOp.REQUEST);
              assertThat(p.header().srcPort()).isEqualTo(FIRST_HOST_PORT);
              assertThat(p.header().dstPort()).isEqualTo(PORT);
              assertThat(p.header().dstCid()).isEqualTo(3);
            });
    assertThat(host.takeText()).as("nothing before the guest accepts").isEmpty();

    guest.send(VsockOp.RESPONSE, PORT, FIRST_HOST_PORT);
    assertThat(host.takeText()).isEqualTo("OK " + FIRST_HOST_PORT + "\n");
    assertThat(guest.received())
        .as("what the host sent after its CONNECT line")
        .singleElement()
        .extracting(Packet::text)
        .isEqualTo("early");

    FakeStream second = guest.host.connect().send("connect 53\r\n");
    assertThat(guest.received())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.header().srcPort())
                  .as("the next host port")
                  .isEqualTo(FIRST_HOST_PORT + 1);
              assertThat(p.header().dstPort()).isEqualTo(53);
            });
    assertThat(second.closed()).isFalse();
  }

  @Test
  void aHostConnectionTheGuestRefusesIsClosedWithoutOk() {
    guest.start().offer(4, 4096);
    FakeStream host = guest.host.connect().send("CONNECT 52\n");
    guest.received();
    guest.send(VsockOp.RST, PORT, FIRST_HOST_PORT);
    assertThat(host.closed()).isTrue();
    assertThat(host.takeText()).isEmpty();
    assertThat(guest.device.connectionCount()).isZero();
  }

  @Test
  void aHostConnectionTheGuestIgnoresTimesOutAfterTwoSeconds() {
    guest.start().offer(4, 4096);
    FakeStream host = guest.host.connect().send("CONNECT 52\n");
    guest.received();
    guest.host.advance(Duration.ofMillis(1999));
    assertThat(host.closed()).isFalse();
    guest.host.advance(Duration.ofMillis(1));
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RST);
    assertThat(host.closed()).isTrue();
    assertThat(guest.counter("conns_killed")).isEqualTo(1);
  }

  @Test
  void malformedConnectLinesCloseTheHostConnection() {
    guest.start().offer(4, 4096);
    FakeStream hello = guest.host.connect().send("HELLO 52\n");
    FakeStream notANumber = guest.host.connect().send("CONNECT fifty-two\n");
    FakeStream tooLong = guest.host.connect().send("CONNECT " + "5".repeat(40));
    FakeStream ended = guest.host.connect().send("CONN");
    ended.end();
    FakeStream partial = guest.host.connect().send("CONNECT 5");
    guest.host.pump();
    assertThat(List.of(hello, notANumber, tooLong, ended)).allMatch(FakeStream::closed);
    assertThat(partial.closed()).as("still typing").isFalse();
    assertThat(guest.received()).isEmpty();
    partial.send("2\n");
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.REQUEST);
  }

  @Test
  void theGuestsCreditLimitsWhatItIsSent() {
    guest.host.listenOn(PORT);
    guest.start().offer(16, 4096);
    guest.send(guest.header(VsockOp.REQUEST, GUEST_PORT, PORT, 0, 0, 8192), new byte[0]);
    guest.received();
    FakeStream host = guest.host.connectionsTo(PORT).getFirst();
    host.send(new byte[20_000]);
    int got = guest.received().stream().mapToInt(p -> p.data().length).sum();
    assertThat(got).isEqualTo(8192);
    assertThat(guest.host.interest(host)).as("no reading without credit").isZero();

    guest.consumed(8192);
    guest.send(guest.header(VsockOp.CREDIT_UPDATE, GUEST_PORT, PORT, 0, 0, 8192), new byte[0]);
    got = guest.received().stream().mapToInt(p -> p.data().length).sum();
    assertThat(got).isEqualTo(8192);
    assertThat(host.unread()).isEqualTo(20_000 - 2 * 8192);
  }

  @Test
  void aCreditRequestIsAnsweredWithACreditUpdate() {
    FakeStream host = guestConnects();
    guest.send(VsockOp.RW, GUEST_PORT, PORT, new byte[100]);
    guest.send(VsockOp.CREDIT_REQUEST, GUEST_PORT, PORT);
    assertThat(guest.received())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.op()).isEqualTo(VsockOp.CREDIT_UPDATE);
              assertThat(p.header().fwdCnt()).isEqualTo(100);
            });
    assertThat(host.take()).hasSize(100);
  }

  @Test
  void whatASlowHostCannotTakeIsBufferedThenFlushedWithACreditUpdate() {
    FakeStream host = guestConnects();
    host.room = 1000;
    byte[] chunk = new byte[4096];
    for (int i = 0; i < 16; i++) {
      guest.send(VsockOp.RW, GUEST_PORT, PORT, chunk);
    }
    assertThat(host.take()).hasSize(1000);
    assertThat(guest.host.interest(host) & VsockHost.WRITABLE).isNotZero();
    assertThat(guest.received()).as("no credit update yet").isEmpty();

    host.room = Long.MAX_VALUE;
    guest.host.pump();
    assertThat(host.take()).hasSize(16 * 4096 - 1000);
    assertThat(guest.received())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.op()).isEqualTo(VsockOp.CREDIT_UPDATE);
              assertThat(p.header().fwdCnt()).isEqualTo(16 * 4096);
            });
    assertThat(guest.host.interest(host) & VsockHost.WRITABLE).isZero();
  }

  @Test
  void aGuestThatSendsMoreThanItsCreditLosesTheConnection() {
    FakeStream host = guestConnects();
    host.room = 0;
    for (int i = 0; i < 17; i++) {
      guest.send(VsockOp.RW, GUEST_PORT, PORT, new byte[4096]);
    }
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RST);
    assertThat(host.closed()).isTrue();
    assertThat(guest.device.connectionCount()).isZero();
  }

  @Test
  void aFullShutdownFromTheGuestEndsWithAnRst() {
    FakeStream host = guestConnects();
    guest.send(
        guest.header(
            VsockOp.SHUTDOWN,
            GUEST_PORT,
            PORT,
            0,
            VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND,
            TxBuffer.SIZE),
        new byte[0]);
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RST);
    assertThat(host.closed()).isTrue();
  }

  @Test
  void aHalfShutdownKeepsTheOtherDirection() {
    FakeStream host = guestConnects();
    guest.send(
        guest.header(VsockOp.SHUTDOWN, GUEST_PORT, PORT, 0, VsockHeader.SHUTDOWN_SEND, 65536),
        new byte[0]);
    host.send("still here");
    assertThat(guest.received()).singleElement().extracting(Packet::text).isEqualTo("still here");
    guest.send(
        guest.header(VsockOp.SHUTDOWN, GUEST_PORT, PORT, 0, VsockHeader.SHUTDOWN_RCV, 65536),
        new byte[0]);
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RST);
    assertThat(host.closed()).isTrue();
  }

  @Test
  void theHostClosingAsksTheGuestToShutDownAndKillsItIfItDoesNot() {
    FakeStream host = guestConnects();
    host.send("bye");
    host.end();
    List<Packet> packets = guest.received();
    assertThat(packets).extracting(Packet::op).containsExactly(VsockOp.RW, VsockOp.SHUTDOWN);
    assertThat(packets.get(1).header().flags()).isEqualTo(3);
    guest.host.advance(Duration.ofSeconds(2));
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.RST);
    assertThat(host.closed()).isTrue();
  }

  @Test
  void strayPacketsAreResetAndRstsAreNotAnswered() {
    guest.start().offer(8, 4096);
    guest.send(VsockOp.RW, GUEST_PORT, PORT, text("nobody"));
    guest.send(VsockOp.RST, GUEST_PORT, PORT);
    VsockHeader dgram =
        new VsockHeader(3, 2, GUEST_PORT, PORT, 0, 2, VsockOp.REQUEST.code(), 0, 0, 0);
    guest.send(dgram, new byte[0]);
    VsockHeader otherGuest =
        new VsockHeader(3, 7, GUEST_PORT, PORT, 0, 1, VsockOp.REQUEST.code(), 0, 0, 0);
    guest.send(otherGuest, new byte[0]);
    assertThat(guest.received()).extracting(Packet::op).containsExactly(VsockOp.RST, VsockOp.RST);
  }

  @Test
  void malformedTransmitChainsAreReturnedAndCounted() {
    guest.host.listenOn(PORT);
    guest.start().offer(4, 4096);
    MockVirtQueue tx = guest.tx;
    tx.add(tx.readable(new byte[20])); // shorter than a header
    tx.add(tx.readable(guest.header(VsockOp.REQUEST, 1, PORT, 0, 0, 0).toBytes()), tx.writable(8));
    tx.add(tx.readable(guest.header(VsockOp.RW, 1, PORT, 100, 0, 0).toBytes())); // no data
    tx.add(tx.readable(guest.header(VsockOp.RW, 1, PORT, 70_000, 0, 0).toBytes()));
    guest.driver.notifyQueue(VirtioVsock.TX_QUEUE);
    assertThat(tx.usedIdx()).isEqualTo(4);
    assertThat(guest.counter("tx_queue_event_fails")).isEqualTo(4);
    assertThat(guest.received()).isEmpty();
  }

  @Test
  void nothingSpinsWhileTheGuestHasNoRxBuffers() {
    FakeStream host = guestConnects();
    guest.received();
    host.send(new byte[30_000]);
    guest.host.pump(); // fails if readiness kept firing
    assertThat(guest.received()).as("one packet per buffer left").hasSize(7);
    assertThat(host.unread()).isEqualTo(30_000 - 7 * (4096 - VsockHeader.SIZE));
    guest.offer(4, 4096);
    assertThat(guest.received()).hasSize(1);
    assertThat(host.unread()).isZero();
  }

  @Test
  void aTransportResetDropsConnectionsAndHoldsRxUntilTheGuestAcknowledges() {
    FakeStream host = guestConnects();
    MockVirtQueue.Buffer event = guest.offerEvent(4);
    guest.device.transportReset();
    assertThat(host.closed()).isTrue();
    assertThat(guest.device.connectionCount()).isZero();
    assertThat(guest.eventsUsed()).isEqualTo(1);
    assertThat(guest.nextEvent().length()).isEqualTo(4);
    assertThat(guest.ev.bytes(event)).containsExactly(0, 0, 0, 0);
    assertThat(guest.device.pendingEventAck()).isTrue();

    guest.host.connect().send("CONNECT 52\n");
    assertThat(guest.received()).as("held until the guest takes the event").isEmpty();
    guest.offerEvent(4);
    guest.ackEvents();
    assertThat(guest.device.pendingEventAck()).isFalse();
    assertThat(guest.received()).singleElement().extracting(Packet::op).isEqualTo(VsockOp.REQUEST);
  }

  @Test
  void aSavedDeviceKeepsItsWaitForTheAcknowledgement() {
    guestConnects();
    guest.offerEvent(4);
    guest.device.transportReset();
    StateWriter out = new StateWriter();
    guest.device.save().write(out);
    VsockState saved = VsockState.read(new StateReader(out.toByteArray(), ""));
    assertThat(saved).isEqualTo(new VsockState(true));

    guest.offerEvent(4);
    guest.ackEvents();
    assertThat(guest.device.pendingEventAck()).isFalse();
    guest.device.restore(saved);
    assertThat(guest.device.pendingEventAck()).isTrue();
    guest.host.connect().send("CONNECT 52\n");
    assertThat(guest.received()).as("held until the guest takes the event").isEmpty();
  }

  @Test
  void aTransportResetWithoutAnEventBufferIsCounted() {
    guestConnects();
    guest.device.transportReset();
    assertThat(guest.counter("ev_queue_event_fails")).isEqualTo(1);
    assertThat(guest.device.pendingEventAck()).isFalse();
    assertThat(guest.device.connectionCount()).isZero();
  }

  @Test
  void aDriverResetEndsEveryConnectionAndStopsListening() {
    FakeStream host = guestConnects();
    FakeStream waiting = guest.host.connect().send("CONN");
    guest.host.pump();
    guest.driver.setStatus(0);
    guest.host.pump();
    assertThat(host.closed()).isTrue();
    assertThat(waiting.closed()).isTrue();
    assertThat(guest.host.listening()).isFalse();
    assertThat(guest.host.watched()).isZero();

    guest.driver.initialize(GuestVsock.FEATURES, guest.rx, guest.tx, guest.ev);
    assertThat(guest.host.listening()).isTrue();
    assertThat(guest.driver.status() & DeviceStatus.DRIVER_OK).isNotZero();
  }

  @Test
  void aBrokenDeviceStopsListeningInsteadOfSpinning() {
    guest.start();
    guest.rx.setAvailIdx(1000); // far ahead of the ring: DEVICE_NEEDS_RESET on the next look
    guest.host.connect().send("CONNECT 52\n");
    guest.host.pump();
    guest.host.connect();
    guest.host.pump();
    assertThat(guest.driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
    assertThat(guest.host.listening()).isFalse();
  }
}
