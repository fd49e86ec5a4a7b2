package dev.updraft.bench.mesh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Full mutual-TLS handshakes per second against one server: each connection makes a new TLS 1.3
 * session (each session is invalidated once established, so none is resumed), presents a client
 * certificate, sends one request with {@code Connection: close} and reads to the end. The same
 * client drives every server in a run, so the ratio compares the servers.
 *
 * <p>The client warms up first in the same JVM (its TLS code is as cold as the server's at first).
 *
 * <p>Usage: {@code HandshakeRate HOST:PORT SNI CLIENT_P12 TRUST_P12 PASSWORD CONNECTIONS SECONDS
 * [WARMUP_SECONDS]}
 */
public final class HandshakeRate {
  private HandshakeRate() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7 && args.length != 8) {
      System.err.println(
          "usage: HandshakeRate HOST:PORT SNI CLIENT_P12 TRUST_P12 PASSWORD CONNECTIONS SECONDS"
              + " [WARMUP_SECONDS]");
      System.exit(2);
    }
    String host = args[0].substring(0, args[0].lastIndexOf(':'));
    int port = Integer.parseInt(args[0].substring(args[0].lastIndexOf(':') + 1));
    char[] password = args[4].toCharArray();
    SSLContext context = context(Path.of(args[2]), Path.of(args[3]), password);
    int connections = Integer.parseInt(args[5]);
    Duration duration = Duration.ofSeconds(Long.parseLong(args[6]));
    Duration warmup = Duration.ofSeconds(args.length > 7 ? Long.parseLong(args[7]) : 3);
    byte[] request =
        ("GET / HTTP/1.1\r\nHost: " + args[1] + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    Target target = new Target(context, host, port, args[1], request);
    run(target, connections, warmup);
    long[] counts = run(target, connections, duration);
    System.out.printf(
        Locale.ROOT,
        "handshakes/s %.0f errors %d%n",
        counts[0] / (duration.toMillis() / 1000.0),
        counts[1]);
  }

  private record Target(SSLContext context, String host, int port, String sni, byte[] request) {}

  /** Handshakes and errors over {@code duration}, from {@code connections} threads. */
  private static long[] run(Target target, int connections, Duration duration)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long deadline = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      if (once(target)) {
                        done.incrementAndGet();
                      } else {
                        errors.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new long[] {done.get(), errors.get()};
  }

  private static boolean once(Target target) {
    try (SSLSocket socket =
        (SSLSocket)
            target.context().getSocketFactory().createSocket(target.host(), target.port())) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(target.sni())));
      parameters.setProtocols(new String[] {"TLSv1.3"});
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      socket.getSession().invalidate();
      OutputStream out = socket.getOutputStream();
      out.write(target.request());
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes(12);
      in.transferTo(OutputStream.nullOutputStream());
      return new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  private static SSLContext context(Path client, Path trust, char[] password) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(client)) {
      keys.load(in, password);
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trust)) {
      anchors.load(in, password);
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(anchors);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }
}
