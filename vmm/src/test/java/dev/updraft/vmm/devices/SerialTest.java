package dev.updraft.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialTest {
  private static final int THR = 0;
  private static final int IER = 1;
  private static final int IIR = 2;
  private static final int LCR = 3;
  private static final int MCR = 4;
  private static final int LSR = 5;
  private static final int MSR = 6;
  private static final int SCR = 7;

  private final AtomicInteger interrupts = new AtomicInteger();
  private final AtomicInteger drained = new AtomicInteger();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Counters metrics = new Counters("uart");
  private final Serial serial =
      new Serial(
          interrupts::incrementAndGet,
          out,
          metrics,
          Serial.OutputLimiter.unlimited(),
          drained::incrementAndGet);

  @Test
  void transmittedBytesReachTheOutputAndTheTransmitterIsAlwaysEmpty() {
    for (byte b : "hi\n".getBytes()) {
      write(THR, b);
    }

    assertThat(out.toString()).isEqualTo("hi\n");
    assertThat(read(LSR)).isEqualTo(0x60); // THRE | TEMT, no data
    assertThat(metrics.snapshot())
        .containsEntry("write_count", 3L)
        .containsEntry("flush_count", 3L)
        .containsKeys("error_count", "missed_read_count", "missed_write_count", "read_count");
    assertThat(interrupts).hasValue(0); // IER is 0
  }

  @Test
  void enablingThreRaisesItAtOnceAndReadingIirAcknowledgesIt() {
    write(IER, 0x02);

    assertThat(interrupts).hasValue(1);
    assertThat(read(IIR)).isEqualTo(0x02);
    assertThat(read(IIR)).isEqualTo(0x01); // acknowledged
    write(IER, 0x02); // no change, no new interrupt
    assertThat(interrupts).hasValue(1);
  }

  @Test
  void eachThrWriteRaisesThreOnceTheLineWasLow() {
    write(IER, 0x02);
    read(IIR);

    write(THR, 'a');
    assertThat(interrupts).hasValue(2);
    write(THR, 'b'); // THRE still pending: the line never dropped, so no second edge
    assertThat(interrupts).hasValue(2);
    assertThat(read(IIR)).isEqualTo(0x02);
    write(THR, 'c');
    assertThat(interrupts).hasValue(3);
  }

  @Test
  void receivedDataRaisesRdaUntilTheGuestDrainsTheFifo() {
    write(IER, 0x01);

    assertThat(serial.enqueue("ab".getBytes())).isEqualTo(2);
    assertThat(interrupts).hasValue(1);
    assertThat(read(LSR) & 0x01).isEqualTo(1);
    assertThat(read(IIR)).isEqualTo(0x04);
    serial.enqueue("c".getBytes());
    assertThat(interrupts).hasValue(1); // still pending
    assertThat(read(THR)).isEqualTo('a');
    assertThat(read(THR)).isEqualTo('b');
    assertThat(drained).hasValue(0);
    assertThat(read(THR)).isEqualTo('c');
    assertThat(drained).hasValue(1);
    assertThat(read(IIR)).isEqualTo(0x01);
    assertThat(read(LSR) & 0x01).isZero();
    assertThat(read(THR)).isZero(); // empty FIFO reads 0
    serial.enqueue("d".getBytes());
    assertThat(interrupts).hasValue(2);
    assertThat(metrics.snapshot()).containsEntry("read_count", 4L);
  }

  @Test
  void rdaOutranksThreInTheIir() {
    write(IER, 0x03);
    serial.enqueue(new byte[] {1});

    assertThat(read(IIR)).isEqualTo(0x04);
    read(THR);
    assertThat(read(IIR)).isEqualTo(0x02);
  }

  @Test
  void theFifoHolds64BytesAndTakesOnlyWhatFits() {
    byte[] input = new byte[100];

    assertThat(serial.enqueue(input, 10, 80)).isEqualTo(64);
    assertThat(serial.fifoCapacity()).isZero();
    assertThat(serial.enqueue(input)).isZero();
    write(IIR, 0x03); // FCR: enable FIFO, clear RX
    assertThat(serial.fifoCapacity()).isEqualTo(64);
    assertThat(drained).hasValue(1);
    assertThat(read(IIR)).isEqualTo(0xC1); // FIFOs enabled, nothing pending
  }

  @Test
  void dlabSwitchesTheFirstTwoRegistersToTheDivisor() {
    write(LCR, 0x83);
    write(THR, 0x01);
    write(IER, 0x00);

    assertThat(read(THR)).isEqualTo(0x01);
    assertThat(read(IER)).isZero();
    assertThat(out.size()).isZero(); // not transmitted
    write(LCR, 0x03);
    assertThat(read(LCR)).isEqualTo(0x03);
    write(SCR, 0x5A);
    assertThat(read(SCR)).isEqualTo(0x5A);
  }

  @Test
  void loopbackEchoesTransmittedBytesAndCutsTheLine() {
    write(MCR, 0x10 | 0x01 | 0x08); // loop, DTR, OUT2

    write(THR, 'x');
    assertThat(out.size()).isZero();
    assertThat(read(THR)).isEqualTo('x');
    assertThat(read(MSR)).isEqualTo(0x20 | 0x80); // DSR from DTR, DCD from OUT2
    assertThat(serial.enqueue("y".getBytes())).isZero();
    for (int i = 0; i < 65; i++) {
      write(THR, i);
    }
    assertThat(read(LSR) & 0x02).isEqualTo(0x02); // overrun, cleared by the read
    assertThat(read(LSR) & 0x02).isZero();
    write(MCR, 0x08);
    assertThat(read(MSR)).isEqualTo(0xB0);
  }

  @Test
  void hostileAccessesAreCountedNeverThrown() {
    byte[] wide = {1, 2, 3, 4};
    serial.read(0, wide);
    serial.write(0, wide);
    byte[] one = {7};
    serial.read(8, one);
    serial.write(-1, one);
    serial.read(Long.MAX_VALUE, new byte[0]);

    assertThat(wide).containsOnly(0);
    assertThat(one).containsOnly(0);
    assertThat(out.size()).isZero();
    assertThat(metrics.snapshot())
        .containsEntry("missed_read_count", 3L)
        .containsEntry("missed_write_count", 2L);
  }

  @Test
  void aFailingOutputOrLimiterLosesTheByteButNotTheGuest() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("closed");
          }
        };
    Counters counters = new Counters("uart");
    Serial failing = new Serial(interrupts::incrementAndGet, broken, counters);
    failing.write(IER, new byte[] {0x02});
    failing.read(IIR, new byte[1]);
    failing.write(THR, new byte[] {'a'});

    assertThat(counters.snapshot())
        .containsEntry("error_count", 1L)
        .containsEntry("missed_write_count", 1L);
    assertThat(interrupts).hasValue(2); // THRE still comes: the UART never blocks

    Counters limited = new Counters("uart");
    Serial throttled = new Serial(() -> {}, out, limited, bytes -> false, () -> {});
    throttled.write(THR, new byte[] {'a'});
    assertThat(out.size()).isZero();
    assertThat(limited.snapshot()).containsEntry("rate_limiter_dropped_bytes", 1L);
  }

  @Test
  void aThrowingInterruptTriggerIsCounted() {
    Counters counters = new Counters("uart");
    Serial serial =
        new Serial(
            () -> {
              throw new IllegalStateException("eventfd closed");
            },
            out,
            counters);
    serial.write(IER, new byte[] {0x02});

    assertThat(counters.snapshot()).containsEntry("error_count", 1L);
  }

  @Test
  void concurrentWritersLoseNoByte() throws InterruptedException {
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      serial.write(THR, new byte[] {'z'});
                      serial.read(LSR, new byte[1]);
                    }
                  });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(out.size()).isEqualTo(4000);
  }

  @Test
  void itsStateMovesToAFreshUartThatThenBehavesTheSame() {
    write(LCR, 0x80); // DLAB
    write(THR, 0x01); // divisor 115200 baud
    write(LCR, 0x03);
    write(IIR, 0x01); // FIFO on
    write(IER, 0x01); // RDA
    write(SCR, 0x5A);
    serial.enqueue("abc".getBytes());
    assertThat(read(THR)).isEqualTo('a');
    SerialState saved = serial.save();
    assertThat(saved.fifo().bytes()).containsExactly('b', 'c');

    StateWriter out = new StateWriter();
    saved.write(out);
    SerialState decoded = SerialState.read(new StateReader(out.toByteArray(), "serial"));
    assertThat(decoded).isEqualTo(saved);

    ByteArrayOutputStream otherOut = new ByteArrayOutputStream();
    Serial restored = new Serial(() -> {}, otherOut, new Counters("uart"));
    restored.restore(decoded);
    assertThat(restored.save()).isEqualTo(saved);
    assertThat(readFrom(restored, IIR)).isEqualTo(0xC4); // RDA, FIFO on: the guest reads on
    assertThat(readFrom(restored, THR)).isEqualTo('b');
    assertThat(readFrom(restored, THR)).isEqualTo('c');
    assertThat(readFrom(restored, SCR)).isEqualTo(0x5A);
    restored.write(LCR, new byte[] {(byte) 0x80});
    assertThat(readFrom(restored, THR)).as("divisor latch").isEqualTo(0x01);
  }

  @Test
  void aStateOutsideTheChipsRangesIsRefused() {
    assertThatThrownBy(
            () ->
                new SerialState(
                    0, 0, 0x100, 0, 0, 0, false, false, false, false, new Blob(new byte[0])))
        .hasMessage("ier: 256 (expected: 0..255)");
    assertThatThrownBy(
            () ->
                new SerialState(
                    0, 0, 0, 0, 0, 0, false, false, false, false, new Blob(new byte[65])))
        .hasMessage("fifo: 65 bytes (expected: at most 64)");
  }

  private static int readFrom(Serial uart, int offset) {
    byte[] data = new byte[1];
    uart.read(offset, data);
    return Byte.toUnsignedInt(data[0]);
  }

  private int read(int offset) {
    byte[] data = new byte[1];
    serial.read(offset, data);
    return Byte.toUnsignedInt(data[0]);
  }

  private void write(int offset, int value) {
    serial.write(offset, new byte[] {(byte) value});
  }
}
