package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.Pipe;
import dev.updraft.vmm.devices.Serial;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.metrics.Counters;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ConsoleInputTest {
  private final List<RuntimeException> errors = new CopyOnWriteArrayList<>();

  @Test
  void aFullFifoParksTheInputUntilTheGuestHasReadItEmpty() throws Exception {
    String typed = "0123456789".repeat(10);
    try (EventLoop loop = new EventLoop(errors::add);
        Pipe pipe = Pipe.create(OpenFlags.O_NONBLOCK)) {
      ConsoleInput input = new ConsoleInput(loop, pipe.reader());
      Serial serial =
          new Serial(
              () -> {},
              OutputStream.nullOutputStream(),
              new Counters("uart"),
              Serial.OutputLimiter.unlimited(),
              input::resume);
      input.feed(serial);
      Thread thread = Thread.ofPlatform().start(loop::run);
      pipe.writer().write(ByteBuffer.wrap(typed.getBytes(StandardCharsets.US_ASCII)));

      await(() -> serial.fifoCapacity() == 0);
      assertThat(guestReads(serial, Serial.FIFO_SIZE)).isEqualTo(typed.substring(0, 64));

      // The descriptor was parked with 36 bytes unread: only resume() brings them in.
      int rest = typed.length() - Serial.FIFO_SIZE;
      await(() -> serial.fifoCapacity() == Serial.FIFO_SIZE - rest);
      assertThat(guestReads(serial, rest)).isEqualTo(typed.substring(64));
      loop.stop();
      thread.join(5000);
    }
    assertThat(errors).isEmpty();
  }

  private static String guestReads(Serial serial, int count) {
    StringBuilder text = new StringBuilder();
    byte[] data = new byte[1];
    for (int i = 0; i < count; i++) {
      serial.read(0, data); // RBR, as a vCPU thread reads it
      text.append((char) data[0]);
    }
    return text.toString();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 5 s").isNegative();
      Thread.sleep(1);
    }
  }
}
