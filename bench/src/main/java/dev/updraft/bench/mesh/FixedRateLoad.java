package dev.updraft.bench.mesh;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP/1.1 load generator in the manner of wrk2: each connection sends on a fixed
 * schedule, and latency is measured from when a request was due, not when it was sent, so a stalled
 * server cannot hide its stall (coordinated omission). Prints one line of percentiles.
 *
 * <p>Usage: {@code FixedRateLoad URL RATE CONNECTIONS SECONDS [WARMUP_SECONDS]}
 */
public final class FixedRateLoad {
  private FixedRateLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: FixedRateLoad URL RATE CONNECTIONS SECONDS [WARMUP_SECONDS]");
      System.exit(2);
    }
    URI uri = URI.create(args[0]);
    double rate = Double.parseDouble(args[1]);
    int connections = Integer.parseInt(args[2]);
    Duration duration = Duration.ofSeconds(Long.parseLong(args[3]));
    Duration warmup = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 2);
    run(uri, rate, connections, warmup);
    Histogram result = run(uri, rate, connections, duration);
    double seconds = duration.toMillis() / 1000.0;
    System.out.printf(
        Locale.ROOT,
        "rate %.0f/s achieved %.0f/s p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms errors %d%n",
        rate,
        result.getTotalCount() / seconds,
        ms(result.getValueAtPercentile(50)),
        ms(result.getValueAtPercentile(90)),
        ms(result.getValueAtPercentile(99)),
        ms(result.getValueAtPercentile(99.9)),
        ms(result.getMaxValue()),
        errors.get());
  }

  private static final AtomicLong errors = new AtomicLong();

  private static Histogram run(URI uri, double rate, int connections, Duration duration)
      throws InterruptedException {
    Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    long intervalNanos = (long) (connections * 1e9 / rate);
    long start = System.nanoTime() + 10_000_000;
    long end = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      long first = start + c * intervalNanos / connections;
      threads.add(
          Thread.ofPlatform()
              .daemon()
              .start(() -> connection(uri, first, intervalNanos, end, recorder)));
    }
    for (Thread t : threads) {
      t.join();
    }
    return recorder.getIntervalHistogram();
  }

  private static void connection(URI uri, long first, long interval, long end, Recorder recorder) {
    byte[] request =
        ("GET "
                + (uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + " HTTP/1.1\r\nHost: "
                + uri.getHost()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long due = first;
    Socket socket = null;
    InputStream in = null;
    try {
      while (due < end) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        try {
          if (socket == null) {
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
          }
          OutputStream out = socket.getOutputStream();
          out.write(request);
          out.flush();
          readResponse(in);
          recorder.recordValue(Math.max(0, System.nanoTime() - due));
        } catch (IOException e) {
          errors.incrementAndGet();
          close(socket);
          socket = null;
        }
        due += interval;
      }
    } finally {
      close(socket);
    }
  }

  // Reads one response with a Content-Length body; enough for the benchmark's fixed backend.
  private static void readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder(256);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      head.append((char) b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    if (!head.toString().startsWith("HTTP/1.1 200")) {
      errors.incrementAndGet();
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.skipNBytes(length);
  }

  private static void close(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing after a failure; nothing more to do
      }
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
