package dev.updraft.vmm.core;

import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.Pipe;
import dev.updraft.vmm.boot.KernelCmdline;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.devices.BootTimer;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.snapshot.MicrovmState;
import dev.updraft.vmm.snapshot.SnapshotFile;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.SerialLog;
import dev.updraft.vmm.vcpu.VcpuStop;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** One test guest on updraft's VMM in this JVM: console captured, input through a pipe. */
final class GuestRun implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final MicroVm vm;
  final SerialLog serial;
  final List<String> log;
  private final Pipe input;
  private final long started = System.nanoTime();

  private GuestRun(MicroVm vm, SerialLog serial, Pipe input, List<String> log) {
    this.vm = vm;
    this.serial = serial;
    this.input = input;
    this.log = log;
  }

  /** Builds and starts {@code kernel} with {@code args} on the command line. */
  static GuestRun start(
      Path kernel, String args, int vcpus, long memMib, UnaryOperator<MicroVmBuilder> extra) {
    Console console = new Console();
    MicroVmBuilder builder =
        new MicroVmBuilder(vcpus, memMib << 20)
            .kernel(kernel)
            .cmdline(KernelCmdline.of(args))
            .serialOutput(flushing(console.out))
            .serialInput(console.input.reader())
            .bootTimer(BootTimer.Start.now())
            .log(console.log::add);
    GuestRun run = console.run(extra.apply(builder).build());
    run.vm.start();
    return run;
  }

  /**
   * Restores the snapshot {@code load} names in this JVM (as PUT /snapshot/load does, with its
   * overrides) and resumes it.
   */
  static GuestRun restore(SnapshotLoad load) {
    Console console = new Console();
    MicrovmState state = SnapshotFile.read(load.snapshotPath());
    MicroVm vm =
        new MicroVmRestorer()
            .serialOutput(flushing(console.out))
            .serialInput(console.input.reader())
            .log(console.log::add)
            .restore(state.withConfig(state.config().withOverrides(load)), load);
    GuestRun run = console.run(vm);
    vm.startPaused(SeccompFilters.none());
    vm.resume();
    return run;
  }

  /** The console's pipes and the VMM log a run is made with. */
  private static final class Console {
    final PipedInputStream in = new PipedInputStream(1 << 16);
    final PipedOutputStream out;
    final Pipe input = Pipe.create(OpenFlags.O_NONBLOCK);
    final List<String> log = new CopyOnWriteArrayList<>();

    Console() {
      try {
        out = new PipedOutputStream(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    GuestRun run(MicroVm vm) {
      GuestRun run = new GuestRun(vm, SerialLog.follow(in, "serial-reader"), input, log);
      vm.stopped()
          .whenComplete(
              (why, e) -> {
                try {
                  out.close();
                } catch (IOException ignored) {
                  // The reader sees the end either way.
                }
              });
      return run;
    }
  }

  /**
   * A pipe whose reader wakes at each write: PipedInputStream otherwise notices new bytes only on a
   * flush or its one-second poll, so a test would see the console up to a second late.
   */
  private static OutputStream flushing(PipedOutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        out.flush();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        out.flush();
      }
    };
  }

  static GuestRun start(Path kernel, String args) {
    return start(kernel, args, 1, 128, b -> b);
  }

  /** Waits for the guest to end; returns why. */
  VcpuStop await() throws Exception {
    VcpuStop why = vm.stopped().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    System.out.printf(
        "updraft guest: %d ms wall, %s%n", (System.nanoTime() - started) / 1_000_000, why);
    return why;
  }

  /** Runs to the end and waits until the console's last byte is read; returns why it ended. */
  VcpuStop awaitDrained() throws Exception {
    VcpuStop why = await();
    // The pipe closes when the VM stops; the reader may still hold bytes the guest wrote last.
    if (!serial.awaitEnd(TIMEOUT)) {
      throw new AssertionError("the console did not end within " + TIMEOUT);
    }
    return why;
  }

  /** Runs to the end and parses the report. */
  GuestReport report() throws Exception {
    awaitDrained();
    return serial.report();
  }

  void type(String text) {
    input.writer().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public void close() {
    vm.close();
    input.close();
  }
}
